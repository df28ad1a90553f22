/** A ref callback that moves keyboard focus to a panel the user just opened. */
export function focusOnMount(element: HTMLElement | null): void {
  element?.focus();
}
