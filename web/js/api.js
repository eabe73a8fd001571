// The REST client: every call carries the tab's token; a 401 forgets it and asks for another.

const KEY = 'robogridToken';

/** The token, kept per tab (sessionStorage): it is gone when the tab closes and never shared with other tabs. */
export function token() {
  return sessionStorage.getItem(KEY);
}

export function setToken(value) {
  sessionStorage.setItem(KEY, value);
}

export function forgetToken() {
  sessionStorage.removeItem(KEY);
}

/** An error as the API reports it: {"error": {"code", "message"}}, or what went wrong on the way. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  toString() {
    return `${this.code}: ${this.message}`;
  }
}

// Set by the app: called when the token is refused, so that it can ask for a new one.
let unauthorized = () => {};
export function onUnauthorized(handler) {
  unauthorized = handler;
}

async function request(method, path, body) {
  const headers = { Authorization: `Bearer ${token() || ''}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let answer;
  try {
    answer = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'UNREACHABLE', `the server cannot be reached (${e.message})`);
  }
  if (answer.ok) return answer;
  let code = `HTTP_${answer.status}`;
  let message = answer.statusText || 'request failed';
  try {
    const error = (await answer.json()).error;
    if (error) ({ code, message } = error);
  } catch (e) { /* not the API's JSON error shape: keep the HTTP status */ }
  const error = new ApiError(answer.status, code, message);
  if (answer.status === 401) {
    forgetToken();
    unauthorized(error);
  }
  throw error;
}

/** GET/POST… a JSON endpoint under /api/v1; resolves to the parsed answer, rejects with an ApiError. */
export async function api(method, path, body) {
  const answer = await request(method, path, body);
  return answer.status === 204 ? null : answer.json();
}

/** A file under /api/v1 as a Blob: artifacts need the bearer header, so <img src> and <a href> cannot fetch them. */
export async function blob(path) {
  return (await request('GET', path)).blob();
}
