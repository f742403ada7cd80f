/** Small DOM helpers: escaping for innerHTML, element lookup, address formatting. */

/** Escape text for innerHTML. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The element with `id`, which the page's HTML must have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el as T;
}

/** A physical address as the kernel prints it in /proc/iomem style ("0x304000000"). */
export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** The CSS class of a machine state's colour (early.*, partial, full-hotplug, absent.*). */
export function stateClass(state: string): string {
  return `st-${state.split('.')[0] ?? state}`;
}

/**
 * Set `html` as the content of `el`, then apply each element's `data-style` (`prop:value;…`) through
 * the CSSOM: the page's Content-Security-Policy refuses inline `style` attributes.
 */
export function setHtml(el: HTMLElement, html: string): void {
  el.innerHTML = html;
  for (const e of el.querySelectorAll<HTMLElement>('[data-style]')) {
    for (const decl of (e.dataset['style'] ?? '').split(';')) {
      const colon = decl.indexOf(':');
      if (colon > 0) e.style.setProperty(decl.slice(0, colon).trim(), decl.slice(colon + 1).trim());
    }
  }
}
