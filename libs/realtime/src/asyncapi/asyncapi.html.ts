/**
 * A self-contained HTML rendering of an AsyncAPI 3 document (inline CSS, no scripts, nothing
 * fetched at run time): operations with their messages, payload schemas and examples.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed JSON document, walked by shape
type Node = Record<string, any>;

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `code` and **bold** from the descriptions; everything else is text. */
const inline = (text: string): string =>
  escape(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');

const paragraphs = (text: string | undefined): string =>
  (text ?? '')
    .split(/\n\n+/)
    .map((p) => `<p>${inline(p)}</p>`)
    .join('');

function resolve(document: Node, node: Node): Node {
  if (typeof node?.$ref !== 'string') return node;
  return (node.$ref as string)
    .replace(/^#\//, '')
    .split('/')
    .reduce<Node>((at, key) => at?.[key], document);
}

/** JSON with component-schema references turned into links to their section. */
function json(value: unknown): string {
  return escape(JSON.stringify(value, null, 2)).replace(
    /&#34;\$ref&#34;: &#34;#\/components\/schemas\/([A-Za-z0-9_]+)&#34;/g,
    (_m, name: string) => `&#34;$ref&#34;: <a href="#schema-${name}">${name}</a>`,
  );
}

function renderMessage(document: Node, reference: Node, role: string): string {
  const msg = resolve(document, resolve(document, reference));
  const payload = resolve(document, msg.payload as Node); // one level inline; nested schemas stay links
  const examples = ((msg.examples ?? []) as Node[])
    .map(
      (example) =>
        `<h5>Example${example.name ? `: ${escape(example.name)}` : ''}</h5>${example.summary ? `<p>${inline(example.summary)}</p>` : ''}<pre>${json(example.payload)}</pre>`,
    )
    .join('');
  return `<div class="message"><h4>${escape(role)}: <code>${escape(msg.name ?? '')}</code></h4>${msg.summary ? `<p>${inline(msg.summary)}</p>` : ''}
<h5>Payload</h5><pre>${json(payload)}</pre>${examples}</div>`;
}

export function renderAsyncApiHtml(document: Node): string {
  const info = document.info as Node;
  const servers = Object.entries((document.servers ?? {}) as Node)
    .map(
      ([name, server]) =>
        `<li><strong>${escape(name)}</strong>: <code>${escape(`${server.protocol}://${server.host}${server.pathname ?? ''}`)}</code> — ${inline(server.description ?? '')}</li>`,
    )
    .join('');
  const channels = Object.entries((document.channels ?? {}) as Node)
    .map(([name, channel]) => `<li><strong>${escape(name)}</strong>: namespace <code>${escape(channel.address)}</code></li>`)
    .join('');
  const operations = Object.entries((document.operations ?? {}) as Node)
    .map(([name, operation]) => {
      const direction = operation.action === 'receive' ? 'client → server' : 'server → client';
      const messages = (operation.messages as Node[]).map((m) => renderMessage(document, m, 'Message')).join('');
      const replies = ((operation.reply?.messages ?? []) as Node[]).map((m) => renderMessage(document, m, 'Acknowledgement')).join('');
      return `<section id="operation-${escape(name)}"><h3><span class="badge ${escape(operation.action)}">${direction}</span> ${escape(operation.title ?? name)}</h3>
<p>${inline(operation.summary ?? '')}</p>${messages}${replies}</section>`;
    })
    .join('');
  const schemas = Object.entries((document.components?.schemas ?? {}) as Node)
    .map(([name, schema]) => `<section id="schema-${escape(name)}"><h3>${escape(name)}</h3><pre>${json(schema)}</pre></section>`)
    .join('');
  const security = Object.values((document.components?.securitySchemes ?? {}) as Node)
    .map((scheme) => `<li>${inline(scheme.description ?? scheme.type)}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(info.title)} — AsyncAPI ${escape(document.asyncapi)}</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
h1{margin-bottom:.2rem}h3{border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2rem}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.8rem;overflow:auto;font-size:13px}
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}.message{margin-left:1rem}
.badge{font-size:12px;padding:.15rem .5rem;border-radius:1rem;color:#fff;background:#0969da;vertical-align:middle}.badge.send{background:#1a7f37}
nav a{margin-right:1rem}
</style></head><body>
<h1>${escape(info.title)}</h1><p>AsyncAPI ${escape(document.asyncapi)} · version ${escape(info.version)} · <a href="asyncapi.json">asyncapi.json</a> · <a href="../docs">HTTP API (OpenAPI)</a></p>
${paragraphs(info.description)}
<h2>Servers</h2><ul>${servers}</ul><h2>Channels</h2><ul>${channels}</ul><h2>Authentication</h2><ul>${security}</ul>
<h2>Operations</h2><nav>${Object.keys((document.operations ?? {}) as Node)
    .map((name) => `<a href="#operation-${escape(name)}">${escape(name)}</a>`)
    .join('')}</nav>${operations}
<h2>Schemas</h2>${schemas}
</body></html>
`;
}
