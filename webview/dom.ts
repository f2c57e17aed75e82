/**
 * DOM building without innerHTML: every piece of data goes in through textContent or an attribute,
 * so a context or ServiceAccount name can never become markup.
 */

export interface ElementOptions {
  className?: string;
  text?: string;
  title?: string;
  /** `data-*` attributes, without the prefix. */
  data?: Record<string, string>;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, ...children: Node[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  if (options.title !== undefined) node.title = options.title;
  for (const [k, v] of Object.entries(options.data ?? {})) node.dataset[k] = v;
  for (const [k, v] of Object.entries(options.attrs ?? {})) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** Positions an absolutely placed mark through the CSSOM (allowed by the CSP, unlike style="…"). */
export function place(node: HTMLElement, leftPercent: number, widthPercent?: number): void {
  node.style.left = `${leftPercent}%`;
  if (widthPercent !== undefined) node.style.width = `${widthPercent}%`;
}
