import { Navigate, Route, Routes } from 'react-router';
import { ErrorAlert, Loading } from './components/common';
import { LiveProvider } from './live';
import { useSession } from './session';
import { Header } from './views/header';
import { OrganizationPage } from './views/organization';
import { Organizations } from './views/organizations';
import { SignIn } from './views/sign-in';
import { SolutionPage } from './views/solution';
import { TablePage } from './views/table';
import { WebhookPage } from './views/webhook';

export function App() {
  const { token, identity, checking, problem } = useSession();
  if (!token) return <SignIn />;
  if (checking) return <Loading what="your identity" />;
  if (!identity) return <ErrorAlert error={new Error(problem ?? 'Could not check the token.')} />;
  return (
    <LiveProvider>
      <Header />
      <main>
        <Routes>
          <Route
            path="/"
            element={identity.kind === 'operator' ? <Organizations /> : <Navigate to={`/orgs/${identity.organizationId}`} replace />}
          />
          <Route path="/orgs/:org" element={<OrganizationPage />} />
          <Route path="/orgs/:org/solutions/:sol" element={<SolutionPage />} />
          <Route path="/orgs/:org/solutions/:sol/tables/:table" element={<TablePage />} />
          <Route path="/orgs/:org/solutions/:sol/webhooks/:hook" element={<WebhookPage />} />
          <Route
            path="*"
            element={
              <p>
                Nothing here. <a href="/console/">Back to the start</a>.
              </p>
            }
          />
        </Routes>
      </main>
    </LiveProvider>
  );
}
