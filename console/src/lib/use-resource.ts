import { useCallback, useEffect, useRef, useState } from 'react';
import { asApiError, type ApiError } from '../api/api-error.js';

export interface Resource<T> {
  readonly data: T | undefined;
  readonly error: ApiError | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

/**
 * Loads data for a page and reloads it on demand (after an action) or every `pollMs` (jobs). An answer
 * that arrives after a newer request started is dropped, so a slow old answer never wins.
 */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[], pollMs?: number): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const latest = useRef(0);
  // The loader changes with every render; the deps say when it means something else.
  const loader = useRef(load);
  loader.current = load;

  useEffect(() => {
    const request = ++latest.current;
    setLoading(true);
    loader.current().then(
      (value) => {
        if (request !== latest.current) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (failure: unknown) => {
        if (request !== latest.current) return;
        setError(asApiError(failure));
        setLoading(false);
      },
    );
  }, [...deps, version]);

  useEffect(() => {
    if (pollMs === undefined) return undefined;
    const timer = window.setInterval(() => setVersion((v) => v + 1), pollMs);
    return () => window.clearInterval(timer);
  }, [pollMs]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, loading, reload };
}

export interface Action {
  readonly pending: boolean;
  readonly error: ApiError | undefined;
  /** Runs `fn`; its failure is kept in `error` (and returned as undefined), never thrown. */
  readonly run: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
  readonly clear: () => void;
}

/** A button's request: pending while it runs, the server's refusal kept to be shown. */
export function useAction(): Action {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    setPending(true);
    setError(undefined);
    try {
      return await fn();
    } catch (failure) {
      setError(asApiError(failure));
      return undefined;
    } finally {
      setPending(false);
    }
  }, []);
  const clear = useCallback(() => setError(undefined), []);
  return { pending, error, run, clear };
}
