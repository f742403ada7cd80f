/** Fetch the viewer's JSON API; an answer that is not 200 becomes an Error with the server's one-line reason. */

/** GET `path` (e.g. `/api/state?step=3`) as JSON of type T. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { signal });
  const body = (await res.json()) as unknown;
  if (!res.ok) throw new Error(typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : `HTTP ${res.status}`);
  return body as T;
}

/** True for the error of an aborted fetch (a newer request replaced it). */
export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}
