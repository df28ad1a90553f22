import { api } from '../api/endpoints';
import { useAsync } from './use-async';

/** The organization's and solution's names, for breadcrumbs (undefined until loaded or when not readable). */
export function useNames(org: string, sol?: string): { orgName?: string; solName?: string } {
  const organization = useAsync(() => api.organization(org), [org]);
  const solution = useAsync(() => (sol ? api.solution(org, sol) : Promise.resolve(undefined)), [org, sol]);
  return { orgName: organization.data?.name, solName: solution.data?.name };
}
