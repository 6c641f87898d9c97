/** The application: header, hash routes to the views, and the sign-in form when the registry asks for credentials. */
import 'highlight.js/styles/github.css';
import './styles.css';
import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, onUnauthorized } from './api';
import { describeCredentials, loadCredentials, saveCredentials } from './auth';
import { Badge, Title } from './components';
import { Generation, useLoad } from './load';
import { useRoute, type Route } from './router';
import { CandidateView } from './views/candidate';
import { DiffView } from './views/diff';
import { LookupView } from './views/lookup';
import { SignIn } from './views/signin';
import { SubjectView } from './views/subject';
import { SubjectList } from './views/subjects';

function View({ route }: { route: Route }) {
  const [first, second, third] = route.parts;
  if (first === undefined) return <SubjectList query={route.query} />;
  if (first === 'subjects' && second !== undefined) {
    if (third === 'diff') return <DiffView subject={second} query={route.query} />;
    if (third === 'test') return <CandidateView subject={second} key={second} />;
    if (third === undefined) return <SubjectView subject={second} query={route.query} key={second} />;
  }
  if (first === 'schemas') {
    const id = second !== undefined && /^\d+$/.test(second) ? Number(second) : undefined;
    return <LookupView id={id} key={String(id)} />;
  }
  return (
    <section>
      <Title text="Not found" />
      <p>
        Nothing here. <a href="#/">All subjects</a>
      </p>
    </section>
  );
}

function App() {
  const route = useRoute();
  const [generation, setGeneration] = useState(0);
  const [authReason, setAuthReason] = useState<string>();
  const [who, setWho] = useState(() => describeCredentials(loadCredentials()));
  const main = useRef<HTMLElement>(null);
  const path = route.parts.join('/');

  useEffect(() => onUnauthorized((message) => setAuthReason(message)), []);
  // Keyboard and screen-reader users land on the new page's content, not on the link they left.
  const firstPath = useRef(true);
  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      return;
    }
    main.current?.focus({ preventScroll: false });
  }, [path]);

  const globalMode = useLoad(() => api<{ mode: string }>('GET', 'mode').then((m) => m.mode), [generation]);
  const signedIn = () => {
    setAuthReason(undefined);
    setWho(describeCredentials(loadCredentials()));
    setGeneration((g) => g + 1);
  };

  return (
    <Generation.Provider value={generation}>
      <a class="skip" href="#content" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          Schemata
        </a>
        <nav aria-label="Main">
          <a href="#/" aria-current={route.parts[0] === undefined || route.parts[0] === 'subjects' ? 'page' : undefined}>
            Subjects
          </a>
          <a href="#/schemas" aria-current={route.parts[0] === 'schemas' ? 'page' : undefined}>
            Schema by id
          </a>
        </nav>
        <div class="session">
          {globalMode.data && globalMode.data !== 'READWRITE' && (
            <Badge tone="warn" title="Registry-wide mode">
              {globalMode.data}
            </Badge>
          )}
          {who ? (
            <>
              <span class="muted">Signed in as {who}</span>
              <button
                type="button"
                onClick={() => {
                  saveCredentials(undefined);
                  setWho(undefined);
                  setGeneration((g) => g + 1);
                }}
              >
                Sign out
              </button>
            </>
          ) : null}
        </div>
      </header>
      {/* The sign-in form appears when the registry answers 401: an open registry never shows it. */}
      <main id="content" ref={main} tabIndex={-1}>
        {authReason !== undefined ? <SignIn reason={authReason} onSignedIn={signedIn} /> : <View route={route} />}
      </main>
    </Generation.Provider>
  );
}

render(<App />, document.getElementById('app')!);
