/** The look of a button, for <button> and for links that act as one: className={btn('primary', 'small')}. */
import styles from './Button.module.css';

export type ButtonLook = 'primary' | 'danger' | 'dangerSolid' | 'ghost' | 'small' | 'block';

export function btn(...looks: ButtonLook[]): string {
  return [styles.btn, ...looks.map((look) => styles[look])].join(' ');
}

/** A row of buttons under a form or box. */
export const buttonRow = styles.row;
