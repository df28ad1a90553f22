/** "A, B,,C " → ["A", "B", "C"]: comma-separated lists typed in a field. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
