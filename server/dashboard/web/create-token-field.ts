import { byId, el, setAttr, setText } from './dom.js';

// The access token this browser sends: as `Authorization: Bearer` on API calls and as the Socket.IO handshake's
// auth.token. The operator's token unlocks the tuning controls; a viewer token is enough to read when the hub
// requires one. Kept in localStorage (this browser only); saving reloads the page so the connection uses it.

const TOKEN_KEY = 'jetdrive-hub.token';

export function storedToken(): string | null {
  const token = localStorage.getItem(TOKEN_KEY);
  return token && token.length > 0 ? token : null;
}

export function authHeaders(): Record<string, string> {
  const token = storedToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function createTokenField(): void {
  const form = byId<HTMLFormElement>('token-field');
  const input = el('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'off',
    placeholder: 'operator token',
    'aria-label': 'Access token (operator or viewer)',
  });
  const state = el('span', { class: 'token-state' });
  const save = el('button', { type: 'submit', class: 'btn' }, 'Save');
  const clear = el('button', { type: 'button', class: 'btn', 'data-action': 'clear-token' }, 'Clear');
  form.replaceChildren(input, save, clear, state);

  const token = storedToken();
  setAttr(form, 'data-token', token ? 'set' : 'none');
  setText(state, token ? 'token set' : 'read only');

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (value.length === 0) return;
    localStorage.setItem(TOKEN_KEY, value);
    location.reload();
  });
  clear.addEventListener('click', () => {
    localStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
}
