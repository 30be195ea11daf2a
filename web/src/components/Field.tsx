/** A labelled form field with an optional hint and error, wired up for assistive technology; form grids; choices. */
import { cloneElement, useId, type ReactElement, type ReactNode } from 'react';
import styles from './Field.module.css';

/** The fields' shared classes: `field` (a bare field), `grid2`/`grid3` (fields side by side), `groupLegend`. */
export const fieldStyles = styles;

interface Props {
  label: string;
  error?: string;
  hint?: string;
  className?: string;
  children: ReactElement<{ id?: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }>;
}

export function Field({ label, error, hint, className, children }: Props) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className ? `${styles.field} ${className}` : styles.field}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && (
        <p className={styles.hint} id={hintId}>
          {hint}
        </p>
      )}
      {error && <FieldError id={errorId}>{error}</FieldError>}
    </div>
  );
}

export function FieldError({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <p className={styles.error} id={id}>
      {children}
    </p>
  );
}

/** A fieldset of checkbox pills: pick any of `options`. */
export function Choices({ legend, options, chosen, onToggle, error, children }: {
  legend: string;
  options: string[];
  chosen: (option: string) => boolean;
  onToggle: (option: string, on: boolean) => void;
  error?: string;
  /** Shown before the choices (e.g. why there are none). */
  children?: ReactNode;
}) {
  const errorId = useId();
  return (
    <fieldset className={styles.choices} aria-describedby={error ? errorId : undefined}>
      <legend>{legend}</legend>
      {children}
      {options.map((option) => (
        <label key={option} className={styles.choice}>
          <input type="checkbox" checked={chosen(option)} onChange={(e) => onToggle(option, e.target.checked)} />
          {option}
        </label>
      ))}
      {error && <FieldError id={errorId}>{error}</FieldError>}
    </fieldset>
  );
}
