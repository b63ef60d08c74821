import { useEffect, useRef, useState, type RefObject } from 'react';

/**
 * The width in CSS pixels of the element `ref` points at, kept current as it resizes. Charts draw in
 * that many units, so their text keeps its size on a phone instead of shrinking with the drawing.
 */
export function useWidth<T extends HTMLElement>(fallbackPx: number): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallbackPx);
  useEffect(() => {
    const element = ref.current;
    if (element === null) return undefined;
    const measure = (): void => setWidth(Math.max(240, Math.floor(element.getBoundingClientRect().width)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}
