/** Styles shared by the console's components (each has a shadow root; these are adopted by all of them). */
import { css } from 'lit'

export const shared = css`
  :host {
    display: block;
    color: #1a1a1a;
    font: 14px/1.45 system-ui, 'DejaVu Sans', sans-serif;
  }
  h1,
  h2,
  h3 {
    line-height: 1.2;
    margin: 0.6em 0 0.4em;
  }
  h2 {
    font-size: 1.25rem;
  }
  h3 {
    font-size: 1.05rem;
  }
  a {
    color: #0b5cad;
  }
  button {
    font: inherit;
    cursor: pointer;
    border: 1px solid #0b5cad;
    background: #0b5cad;
    color: #fff;
    border-radius: 4px;
    padding: 0.3em 0.8em;
    min-height: 2em;
  }
  button.secondary {
    background: #fff;
    color: #0b5cad;
  }
  button.danger {
    background: #b3261e;
    border-color: #b3261e;
  }
  button:disabled {
    background: #e4e4e4;
    border-color: #bbb;
    color: #555;
    cursor: not-allowed;
  }
  button:focus-visible,
  a:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible,
  summary:focus-visible,
  [tabindex]:focus-visible {
    outline: 3px solid #f0a500;
    outline-offset: 2px;
  }
  input,
  select,
  textarea {
    font: inherit;
    border: 1px solid #767676;
    border-radius: 4px;
    padding: 0.25em 0.4em;
    background: #fff;
    color: #1a1a1a;
    max-width: 100%;
    box-sizing: border-box;
  }
  textarea {
    font-family: 'DejaVu Sans Mono', monospace;
    font-size: 13px;
    width: 100%;
  }
  label {
    font-weight: 600;
  }
  pre,
  code {
    font-family: 'DejaVu Sans Mono', monospace;
    font-size: 13px;
  }
  pre {
    background: #f6f8fa;
    border: 1px solid #d0d7de;
    border-radius: 4px;
    padding: 0.6em;
    overflow: auto;
    max-height: 24em;
  }
  .table-wrap {
    overflow-x: auto;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 0.3em 0.6em;
    border-bottom: 1px solid #d0d7de;
    vertical-align: top;
  }
  th {
    background: #f6f8fa;
    font-weight: 600;
    white-space: nowrap;
  }
  .muted {
    color: #555;
  }
  .error {
    color: #8a1c1c;
    background: #fdecea;
    border: 1px solid #e0b4b4;
    border-radius: 4px;
    padding: 0.4em 0.6em;
    margin: 0.4em 0;
    white-space: pre-wrap;
  }
  .field-error {
    color: #8a1c1c;
    font-weight: 600;
    margin: 0.2em 0;
    white-space: pre-wrap;
  }
  .ok {
    color: #0a5c24;
  }
  .badge {
    display: inline-block;
    padding: 0 0.5em;
    border-radius: 1em;
    font-size: 12px;
    font-weight: 600;
    border: 1px solid transparent;
  }
  .badge.up,
  .badge.active,
  .badge.plugged,
  .badge.committed,
  .badge.ok {
    color: #0a5c24;
    background: #e6f4ea;
    border-color: #a8d5b5;
  }
  .badge.down,
  .badge.inactive,
  .badge.failed,
  .badge.rolled-back {
    color: #8a1c1c;
    background: #fdecea;
    border-color: #e0b4b4;
  }
  .badge.other {
    color: #5c3c00;
    background: #fff4e5;
    border-color: #e5c48f;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5em;
    align-items: center;
    margin: 0.5em 0;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4em 1em;
    align-items: baseline;
    margin: 0.4em 0;
  }
  section {
    margin-bottom: 1.2em;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  .progress {
    color: #5c3c00;
  }
  .progress::before {
    content: '';
    display: inline-block;
    width: 0.8em;
    height: 0.8em;
    margin-right: 0.4em;
    border: 2px solid #b07a00;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
    vertical-align: -0.1em;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .progress::before {
      animation: none;
    }
  }
`

/** A state as a coloured badge (the text says it; the colour only helps). */
export function badgeClass(state: string | undefined): string {
  switch (state) {
    case 'up':
    case 'active':
    case 'plugged':
    case 'committed':
    case 'ok':
      return `badge ${state}`
    case 'down':
    case 'inactive':
    case 'failed':
    case 'rolled-back':
      return `badge ${state}`
    default:
      return 'badge other'
  }
}

export function timeText(ms: number): string {
  const d = new Date(ms)
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
}
