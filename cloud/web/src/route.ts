import { useEffect, useState } from 'preact/hooks';

/** The page is in the URL's hash (#/chart?node=…), so links work without a server route per page. */
export type Route = { path: string; params: URLSearchParams };

function current(): Route {
  const [path = '/', q = ''] = location.hash.replace(/^#/, '').split('?');
  return { path: path || '/', params: new URLSearchParams(q) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const on = () => setRoute(current());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function href(path: string, params: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  return `#${path}${q ? `?${q}` : ''}`;
}

/** Re-runs `load` every `ms` while the page is shown, and once at once. */
export function usePolling(load: () => void, ms: number, deps: unknown[]): void {
  useEffect(() => {
    load();
    const timer = setInterval(load, ms);
    return () => clearInterval(timer);
  }, deps);
}
