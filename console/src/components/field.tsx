import { cloneElement, isValidElement, useId, type ReactElement, type ReactNode } from 'react';

export interface FieldProps {
  readonly label: string;
  /** One control (input, select, textarea). */
  readonly children: ReactNode;
  readonly hint?: ReactNode;
  readonly className?: string;
}

type ControlProps = { id?: string | undefined; 'aria-describedby'?: string | undefined };

/**
 * A labelled control: the label names the control (for/id), and the hint describes it
 * (aria-describedby), so a screen reader says "Name, edit text, Lower-case letters…".
 */
export function Field({ label, children, hint, className }: FieldProps) {
  const id = useId();
  const hintId = useId();
  const control = isValidElement(children)
    ? cloneElement(children as ReactElement<ControlProps>, {
        id,
        'aria-describedby':
          [(children as ReactElement<ControlProps>).props['aria-describedby'], hint === undefined ? undefined : hintId]
            .filter((v) => v !== undefined)
            .join(' ') || undefined,
      })
    : children;
  return (
    <div className={['field', className].filter(Boolean).join(' ')}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {control}
      {hint === undefined ? null : (
        <span className="field-hint" id={hintId}>
          {hint}
        </span>
      )}
    </div>
  );
}

/** A page's title (the target of focus after navigation) and its actions. */
export function PageHeader({ title, children }: { readonly title: string; readonly children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      {children === undefined ? null : <div className="page-actions">{children}</div>}
    </div>
  );
}

/** Loading and load-failure states of a page section. */
export function Loading({ what }: { readonly what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}
