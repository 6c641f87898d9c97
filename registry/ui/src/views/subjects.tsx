/** All subjects: search by name, filter by format, context and soft-deletion; latest version, format, level and mode. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, contextOf, seg, typeOf, type SchemaType, type SchemaVersion } from '../api';
import { Badge, ErrorBox, FormatOptions, formatName, Loading, Title } from '../components';
import { useLoad } from '../load';
import { href, navigate } from '../router';

interface Row {
  subject: string;
  context: string;
  deleted: boolean;
  latest: { version: number; id: number; type: SchemaType } | undefined;
}

const PAGE = 50;

async function loadRows(): Promise<{ rows: Row[]; contexts: string[] }> {
  const [all, live, latest, latestDeleted, contexts] = await Promise.all([
    api<string[]>('GET', 'subjects?deleted=true&subjectPrefix=' + seg(':*:')),
    api<string[]>('GET', 'subjects?subjectPrefix=' + seg(':*:')),
    api<SchemaVersion[]>('GET', 'schemas?latestOnly=true&subjectPrefix=' + seg(':*:')),
    api<SchemaVersion[]>('GET', 'schemas?latestOnly=true&deleted=true&subjectPrefix=' + seg(':*:')),
    api<string[]>('GET', 'contexts'),
  ]);
  const liveSet = new Set(live);
  const latestOf = new Map<string, SchemaVersion>();
  for (const s of latestDeleted) latestOf.set(s.subject, s);
  for (const s of latest) latestOf.set(s.subject, s);
  const rows = all.map((subject): Row => {
    const l = latestOf.get(subject);
    return { subject, context: contextOf(subject), deleted: !liveSet.has(subject), latest: l && { version: l.version, id: l.id, type: typeOf(l) } };
  });
  rows.sort((a, b) => a.subject.localeCompare(b.subject));
  return { rows, contexts };
}

/** Level and mode of the subjects on screen, read a few at a time. */
function useSettings(subjects: string[]): Map<string, { level?: string; mode?: string }> {
  const [settings, setSettings] = useState(new Map<string, { level?: string; mode?: string }>());
  const key = subjects.join('\n');
  useEffect(() => {
    let current = true;
    const queue = subjects.filter((s) => !settings.has(s));
    const worker = async () => {
      for (let s = queue.shift(); s !== undefined && current; s = queue.shift()) {
        const subject = s;
        const [level, mode] = await Promise.all([
          api<{ compatibilityLevel?: string }>('GET', `config/${seg(subject)}?defaultToGlobal=true`).then((c) => c.compatibilityLevel, () => '?'),
          api<{ mode?: string }>('GET', `mode/${seg(subject)}?defaultToGlobal=true`).then((m) => m.mode, () => '?'),
        ]);
        if (current) setSettings((m) => new Map(m).set(subject, { ...(level ? { level } : {}), ...(mode ? { mode } : {}) }));
      }
    };
    void Promise.all([worker(), worker(), worker()]);
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return settings;
}

export function SubjectList({ query }: { query: URLSearchParams }) {
  const loaded = useLoad(loadRows, []);
  const text = query.get('q') ?? '';
  const format = query.get('format') ?? '';
  const context = query.get('context') ?? '';
  const deleted = query.get('deleted') ?? 'live';
  const pageNo = Math.max(0, Number(query.get('page') ?? '0') || 0);
  const search = useRef<HTMLInputElement>(null);

  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) {
      if (v === '' || (k === 'deleted' && v === 'live') || (k === 'page' && v === '0')) next.delete(k);
      else next.set(k, v);
    }
    if (!('page' in changes)) next.delete('page');
    const qs = next.toString();
    navigate(`#/${qs ? `?${qs}` : ''}`, true);
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key === '/' && !(target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
        e.preventDefault();
        search.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // `scope`: the subjects the soft-deletion choice shows; `filtered`: those the search and filters keep.
  const [scope, filtered] = useMemo(() => {
    const rows = (loaded.data?.rows ?? []).filter((r) => deleted === 'all' || (deleted === 'only') === r.deleted);
    const needle = text.toLowerCase();
    const kept = rows.filter(
      (r) => (needle === '' || r.subject.toLowerCase().includes(needle)) && (format === '' || r.latest?.type === format) && (context === '' || r.context === context),
    );
    return [rows, kept];
  }, [loaded.data, text, format, context, deleted]);
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE));
  const page = Math.min(pageNo, pages - 1);
  const shown = filtered.slice(page * PAGE, page * PAGE + PAGE);
  const settings = useSettings(shown.map((r) => r.subject));

  return (
    <section>
      <Title text="Subjects" />
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label class="field grow">
          Search
          <input
            ref={search}
            type="search"
            name="q"
            value={text}
            placeholder="Subject name (press / to focus)"
            onInput={(e) => set({ q: e.currentTarget.value })}
            autoComplete="off"
            spellcheck={false}
          />
        </label>
        <label class="field">
          Format
          <select value={format} onChange={(e) => set({ format: e.currentTarget.value })}>
            <option value="">All formats</option>
            <FormatOptions />
          </select>
        </label>
        <label class="field">
          Context
          <select value={context} onChange={(e) => set({ context: e.currentTarget.value })}>
            <option value="">All contexts</option>
            {(loaded.data?.contexts ?? []).map((c) => (
              <option value={c} key={c}>
                {c === '.' ? '. (default)' : c}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          Soft-deleted
          <select value={deleted} onChange={(e) => set({ deleted: e.currentTarget.value })}>
            <option value="live">Hide soft-deleted</option>
            <option value="all">Show soft-deleted too</option>
            <option value="only">Soft-deleted only</option>
          </select>
        </label>
      </form>
      <ErrorBox error={loaded.error} />
      {loaded.loading && !loaded.data ? (
        <Loading what="subjects" />
      ) : (
        loaded.data && (
          <>
            <p class="muted" role="status" aria-live="polite">
              {filtered.length === scope.length ? subjectsCount(scope.length) : `${filtered.length} of ${subjectsCount(scope.length)}`}
            </p>
            {filtered.length > 0 && (
              <table class="subjects">
                <thead>
                  <tr>
                    <th scope="col">Subject</th>
                    <th scope="col">Format</th>
                    <th scope="col">Latest</th>
                    <th scope="col">Compatibility</th>
                    <th scope="col">Mode</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((r) => {
                    const s = settings.get(r.subject);
                    return (
                      <tr key={r.subject} data-subject={r.subject}>
                        <td data-label="Subject">
                          <a href={href(['subjects', r.subject])}>{r.subject}</a>
                          {r.context !== '.' && <Badge title="context">{r.context}</Badge>}
                          {r.deleted && <Badge tone="warn">soft-deleted</Badge>}
                        </td>
                        <td data-label="Format">{r.latest ? formatName(r.latest.type) : '—'}</td>
                        <td data-label="Latest">{r.latest ? `v${r.latest.version} · id ${r.latest.id}` : '—'}</td>
                        <td data-label="Compatibility">{s?.level ?? '…'}</td>
                        <td data-label="Mode">{s?.mode ?? '…'}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
            {pages > 1 && (
              <nav class="pager" aria-label="Pages">
                <button type="button" disabled={page === 0} onClick={() => set({ page: String(page - 1) })}>
                  Previous
                </button>
                <span>
                  Page {page + 1} of {pages}
                </span>
                <button type="button" disabled={page >= pages - 1} onClick={() => set({ page: String(page + 1) })}>
                  Next
                </button>
              </nav>
            )}
          </>
        )
      )}
    </section>
  );
}

const subjectsCount = (n: number) => `${n} subject${n === 1 ? '' : 's'}`;
