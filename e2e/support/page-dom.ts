/**
 * The few browser members the specs' in-page code reads (the functions page.evaluate runs in the
 * page), typed here: the e2e specs are part of the Node project, and the DOM's own types cannot be
 * pulled into one file (`/// <reference lib="dom" />` is global: every Node file would see `window`).
 * In-page code starts with `const w = globalThis as unknown as PageWindow`.
 */
export interface PageRect { top: number; left: number; right: number; width: number; height: number }
export interface PageNode { textContent: string | null }
export interface PageElement extends PageNode {
  tagName: string;
  className: unknown;
  children: Iterable<PageElement>;
  parentElement: PageElement | null;
  offsetWidth: number;
  offsetHeight: number;
  scrollWidth: number;
  clientWidth: number;
  getBoundingClientRect(): PageRect;
  /** a <select>'s chosen options */
  selectedOptions?: ArrayLike<{ text: string }>;
}
export interface PageWindow {
  innerWidth: number;
  devicePixelRatio: number;
  document: {
    documentElement: PageElement;
    body: PageElement;
    fonts: { ready: Promise<unknown> };
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): Iterable<PageElement>;
    createTreeWalker(root: PageElement, whatToShow: number): { nextNode(): PageNode | null };
    createRange(): { selectNodeContents(node: PageNode): void; getClientRects(): Iterable<PageRect> };
  };
  getComputedStyle(el: PageElement): { paddingTop: string; paddingBottom: string; borderBottomWidth: string; overflowX: string };
  requestAnimationFrame(callback: (time: number) => void): number;
  NodeFilter: { SHOW_TEXT: number };
}
