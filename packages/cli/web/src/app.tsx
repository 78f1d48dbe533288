/** The page: header, graph with its legend, agents and budgets, event log, task panel. */
import { useEffect, useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { AgentsPanel, BudgetsPanel } from './agents.js';
import { EventLog } from './event-log.js';
import { GraphView } from './graph-view.js';
import { Header } from './header.js';
import { Legend } from './legend.js';
import type { Store } from './store.js';
import { TaskPanel } from './task-panel.js';

export function App({ store }: { readonly store: Store }): JSX.Element {
  const [, setVersion] = useState(0);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [now, setNow] = useState(() => store.serverNow());
  const data = store.data;

  useEffect(() => {
    const unsubscribe = store.subscribe(() => setVersion((v) => v + 1));
    // Data that arrived before this effect ran (an embedded page's, synchronously) is drawn now.
    setVersion((v) => v + 1);
    return unsubscribe;
  }, [store]);
  // Elapsed times and "next slot free in" tick once a second while the run is live.
  const phase = data.status?.run.phase;
  useEffect(() => {
    if (data.mode !== 'live' || phase === 'finished' || phase === 'interrupted') return;
    const timer = setInterval(() => setNow(store.serverNow()), 1000);
    return () => clearInterval(timer);
  }, [store, data.mode, phase]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setSelected(undefined);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const current = Math.max(now, data.status?.run.now ?? 0);
  const task = selected !== undefined ? data.tasks.get(selected) : undefined;
  return (
    <div class={`layout${task ? ' with-task' : ''}`}>
      <Header data={data} now={current} />
      <main class="main">
        <div class="graph-area">
          <GraphView tasks={data.tasks} graphVersion={data.graphVersion} criticalPath={data.criticalPath} selected={selected} onSelect={setSelected} />
          <Legend />
        </div>
        {task ? <TaskPanel task={task} tasks={data.tasks} events={data.events} onSelect={setSelected} onClose={() => setSelected(undefined)} /> : null}
      </main>
      <div class="bottom">
        <AgentsPanel data={data} now={current} onSelect={setSelected} />
        <BudgetsPanel data={data} now={current} />
        <EventLog events={data.events} onSelect={setSelected} />
      </div>
    </div>
  );
}
