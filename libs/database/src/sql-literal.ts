/**
 * A dollar-quoted SQL literal whose tag does not occur in `text`, so that no content can end it.
 * For statements sent in one simple-query message (several statements, one round trip), which
 * cannot carry bind parameters. `text` must not contain U+0000 (PostgreSQL refuses it anyway).
 */
export function dollarQuoted(text: string): string {
  let tag = 'tc';
  for (let n = 0; text.includes(`$${tag}$`); n++) tag = `tc${n}`;
  return `$${tag}$${text}$${tag}$`;
}
