/** What the colours and the edge styles mean. */
import type { JSX } from 'preact';
import { KNOWN_STATES, ORIGINS } from './states.js';

export function Legend(): JSX.Element {
  return (
    <details class="legend" open>
      <summary>Legend</summary>
      <ul class="legend-states">
        {KNOWN_STATES.map((state) => (
          <li key={state}>
            <i class="swatch" data-state={state} />
            {state}
          </li>
        ))}
        <li>
          <i class="swatch critical" />
          critical path
        </li>
      </ul>
      <ul class="legend-edges">
        {ORIGINS.map(([origin, label]) => (
          <li key={origin}>
            <svg width="34" height="10" class="edge-sample" aria-hidden="true">
              <g class={`edge o-${origin}`}>
                <path d="M1 5L33 5" class="line" />
                {origin === 'sub-issue' ? <path d="M1 5L33 5" class="gap" /> : null}
              </g>
            </svg>
            {label}
          </li>
        ))}
      </ul>
    </details>
  );
}
