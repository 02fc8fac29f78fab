import type { Banner } from './banner-for.js';
import { fillTokenForm } from './create-token-field.js';
import { el, setAttr, setText } from './dom.js';

export interface BannerView {
  show(banner: Banner | null): void;
}

/** The banner over the panels: hidden when there is nothing to explain; the unauthorized one carries a token field. */
export function createBanner(root: HTMLElement): BannerView {
  const title = el('strong', { class: 'banner-title' });
  const detail = el('span', { class: 'banner-detail' });
  const form = el('form', { class: 'token-field banner-token', 'aria-label': 'Access token' });
  fillTokenForm(form);
  root.replaceChildren(title, detail, form);
  root.hidden = true;
  let shownKind: string | null = null;
  return {
    show(banner) {
      root.hidden = banner === null;
      setAttr(root, 'data-kind', banner?.kind ?? 'none');
      if (!banner) {
        shownKind = null;
        return;
      }
      setText(title, banner.title);
      setText(detail, banner.detail);
      form.hidden = banner.kind !== 'unauthorized';
      if (banner.kind === 'unauthorized' && shownKind !== 'unauthorized') form.querySelector('input')?.focus();
      shownKind = banner.kind;
    },
  };
}
