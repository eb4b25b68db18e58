/**
 * The inbox list registers how to move through it, so commands (j/k, resolve → next) can
 * act on it without owning its data.
 */
export interface InboxNav {
  total(): number;
  idAt(index: number): string | null;
  indexOf(id: string): number;
  scrollTo(index: number): void;
  focus(): void;
}

let current: InboxNav | null = null;
export const registerNav = (nav: InboxNav | null) => { current = nav; };
export const nav = (): InboxNav | null => current;

/** Focus the list (the home of the keyboard) after an action closes something. */
export function focusInbox(): void {
  current?.focus();
}
