import { formatDate, formatTime } from '../format.ts';

/** A date shown in local time, with the ISO instant on hover. */
export function Time({ iso, timeOnly }: { iso: string | null | undefined; timeOnly?: boolean }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={iso}>
      {timeOnly ? formatTime(iso) : formatDate(iso)}
    </time>
  );
}
