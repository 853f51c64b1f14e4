import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure } from './api';

/** Shows what went wrong in the API's own words: its code, message and details. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const failure = error instanceof ApiFailure ? error : undefined;
  const message = failure?.message ?? (error instanceof Error ? error.message : String(error));
  const details = (failure?.details ?? []).filter((d) => d.message !== message);
  return (
    <div class="error" role="alert" data-code={failure?.code}>
      <strong>{failure ? `${failure.code}${failure.status ? ` (${failure.status})` : ''}` : 'Error'}</strong>: {message}
      {details.length > 0 && (
        <ul>
          {details.map((d, i) => (
            <li key={i}>
              {d.refersTo ? <code>{d.refersTo}</code> : null} {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change; the answer of an older run never overwrites a newer one. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const run = useRef(0);
  useEffect(() => {
    const mine = ++run.current;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    load().then(
      (data) => mine === run.current && setState({ data, loading: false }),
      (error) => mine === run.current && setState({ error, loading: false }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

export const Loading = ({ what }: { what: string }) => (
  <p class="loading" aria-busy="true">
    Loading {what}…
  </p>
);

export const StateBadge = ({ state }: { state: string }) => <span class={`badge state-${state}`}>{state}</span>;

/**
 * A modal confirmation (the native <dialog>): what will happen, an optional "why" recorded in the audit
 * trail, and the API's error inside the dialog when it refuses.
 */
export function ConfirmDialog(props: {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  /** Ask for a comment (recorded as the why). */
  comment?: { label: string; required?: boolean };
  danger?: boolean;
  /** After success, stay open (showing the children: progress, result) until closed. */
  stayOpen?: boolean;
  onConfirm: (comment: string) => Promise<void>;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const confirm = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm(comment.trim());
      if (props.stayOpen) return setDone(true);
      ref.current?.close();
      props.onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={ref} class="confirm" aria-label={props.title} onCancel={() => !busy && props.onClose()}>
      <form onSubmit={confirm}>
        <h2>{props.title}</h2>
        <div class="confirm-body">{props.children}</div>
        {props.comment && !done && (
          <label class="field">
            {props.comment.label}
            <textarea name="comment" rows={2} maxLength={1024} required={props.comment.required} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
          </label>
        )}
        <ErrorBox error={error} />
        <div class="buttons">
          <button type="button" onClick={() => (ref.current?.close(), props.onClose())} disabled={busy}>
            {done ? 'Close' : 'Cancel'}
          </button>
          {!done && (
            <button type="submit" class={props.danger ? 'danger' : 'primary'} disabled={busy}>
              {busy ? 'Working…' : props.confirmLabel}
            </button>
          )}
        </div>
      </form>
    </dialog>
  );
}

/** Horizontal bars (inline SVG, drawn from data, nothing loaded). */
export function BarChart({ bars, label }: { bars: { label: string; value: number }[]; label: string }) {
  const width = 640;
  const barHeight = 22;
  const labelWidth = 90;
  const valueWidth = 110;
  const height = Math.max(1, bars.length) * (barHeight + 8) + 10;
  const max = Math.max(0, ...bars.map((b) => Math.abs(b.value)));
  const scale = max > 0 ? (width - labelWidth - valueWidth) / max : 0;
  return (
    <svg class="chart" role="img" aria-label={label} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
      {bars.map((b, i) => {
        const y = 5 + i * (barHeight + 8);
        const w = Math.max(1, Math.round(Math.abs(b.value) * scale));
        return (
          <g key={b.label} data-bar={b.label}>
            <text x="0" y={y + 15}>
              {b.label}
            </text>
            <rect x={labelWidth} y={y} width={w} height={barHeight} class={b.value < 0 ? 'negative' : 'positive'} />
            <text x={labelWidth + w + 6} y={y + 15}>
              {b.value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 6 })}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
