/**
 * A dollar-quoted SQL literal whose tag does not occur in `text`, so that no content can end it.
 * For statements sent in one simple-query message (several statements, one round trip), which
 * cannot carry bind parameters. `text` must not contain U+0000 (PostgreSQL refuses it anyway).
 */
export function dollarQuoted(text: string): string {
  let tag = 'tc';
  // the closing tag must not occur in `text`, nor begin inside it (`text` ending in "$tc" would close early)
  for (let n = 0; `${text}$${tag}$`.indexOf(`$${tag}$`) !== text.length; n++) tag = `tc${n}`;
  return `$${tag}$${text}$${tag}$`;
}
