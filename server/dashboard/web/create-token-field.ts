import { byId, el, setAttr, setText } from './dom.js';
import { checkToken } from './token-verdict.js';

// The access token this browser sends: as `Authorization: Bearer` on API calls and as the Socket.IO handshake's
// auth.token. The operator's token unlocks the tuning controls; a viewer token is enough to read when the hub
// requires one. Kept in localStorage (this browser only). Saving asks the hub what the token is first: a wrong one
// is refused at once and not stored; a good one is stored and the page reloads so the connection uses it.

const TOKEN_KEY = 'jetdrive-hub.token';

export function storedToken(): string | null {
  const token = localStorage.getItem(TOKEN_KEY);
  return token && token.length > 0 ? token : null;
}

export function authHeaders(): Record<string, string> {
  const token = storedToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Fills `form` with a token input, Save (which checks the token before storing it) and a state line. */
export function fillTokenForm(form: HTMLFormElement, extra: readonly HTMLElement[] = []): HTMLElement {
  const input = el('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'off',
    placeholder: 'token',
    'aria-label': 'Access token (operator or viewer)',
  });
  const state = el('span', { class: 'token-state', role: 'status' });
  const save = el('button', { type: 'submit', class: 'btn' }, 'Save');
  form.replaceChildren(input, save, ...extra, state);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (value.length === 0) return;
    setAttr(form, 'data-check', 'checking');
    setText(state, 'checking…');
    void checkToken(value).then((verdict) => {
      setAttr(form, 'data-check', verdict.ok ? verdict.role : 'refused');
      setText(state, verdict.text);
      if (!verdict.ok) return;
      localStorage.setItem(TOKEN_KEY, value);
      location.reload();
    });
  });
  return state;
}

export function createTokenField(): void {
  const form = byId<HTMLFormElement>('token-field');
  const clear = el('button', { type: 'button', class: 'btn', 'data-action': 'clear-token' }, 'Clear');
  const state = fillTokenForm(form, [clear]);
  const token = storedToken();
  setAttr(form, 'data-token', token ? 'set' : 'none');
  setText(state, token ? 'token set' : 'read only');
  clear.addEventListener('click', () => {
    localStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
}
