/** A secret shown once (a new API token, a webhook's signing secret): a read-only field to copy it from. */
import { useId, useRef, useState, type ReactNode } from 'react';
import { btn } from './Button.tsx';
import styles from './SecretOnce.module.css';

export function SecretOnce({ title, warning, label, secret, testId, onDone }: {
  title: ReactNode;
  /** Why it is shown only now, and what to do with it. */
  warning: ReactNode;
  label: string;
  secret: string;
  testId: string;
  onDone: () => void;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    input.current?.select();
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // No clipboard (plain HTTP, or refused): the text is selected for the person to copy.
      setCopied(false);
    }
  };
  return (
    <section className={styles.secret} aria-labelledby={`${id}-title`} data-testid={testId}>
      <h2 id={`${id}-title`}>{title}</h2>
      <p className={styles.warning}>{warning}</p>
      <label htmlFor={id}>{label}</label>
      <div className={styles.copyRow}>
        <input ref={input} id={id} type="text" readOnly value={secret} className="mono" onFocus={(e) => e.target.select()} spellCheck={false} />
        <button type="button" className={btn()} onClick={() => void copy()}>
          Copy
        </button>
      </div>
      <p className="small muted" role="status">
        {copied === true ? 'Copied to the clipboard.' : copied === false ? 'Selected: press Ctrl+C (⌘C) to copy.' : ''}
      </p>
      <button type="button" className={btn('primary')} onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}
