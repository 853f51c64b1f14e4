import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/transactions/A1%20Boats?state=Voided`): the server serves one page, the browser's
 * back button and bookmarks work, and nothing of the route ever reaches the server.
 */
export interface Route {
  segments: string[];
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const [pathPart, queryPart = ''] = text.split('?', 2);
  const segments = pathPart.split('/').filter((s) => s !== '').map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return { segments, params: new URLSearchParams(queryPart) };
}

export function href(segments: string[], params: Record<string, string | number | undefined | null> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const query = q.toString();
  return `#/${segments.map(encodeURIComponent).join('/')}${query ? `?${query}` : ''}`;
}

export const go = (segments: string[], params: Record<string, string | number | undefined | null> = {}) => {
  location.hash = href(segments, params);
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
