/**
 * Maximum bipartite matching where testing an edge is expensive (a diff) and edges are few: an edge is
 * tested only when the search reaches it, and at most once.
 *
 * Each left vertex first tries the right vertices sharing one of its preference keys (between versions
 * of a schema: the same subschema, the same title, the same position), which usually matches everything
 * with one test per vertex. Vertices still unmatched then search augmenting paths (Kuhn's algorithm,
 * iteratively, so long paths cannot overflow the stack) through their candidates only, trying the
 * unmatched candidates first. The search stops once the smaller side is covered, or, if asked, once it
 * cannot be: a vertex without an augmenting path stays unmatched in every later matching (Kuhn's lemma).
 */

export interface MatchingProblem {
  readonly leftSize: number;
  readonly rightSize: number;
  /** The right vertices that may be joined to left vertex `i`; every other one certainly is not. */
  candidates(i: number): readonly number[];
  /** Keys naming a likely partner: left `i` first tries the unmatched right vertices with one of its keys. */
  leftKeys(i: number): readonly string[];
  rightKeys(j: number): readonly string[];
  /** Whether `i` and `j` are joined; the matching asks at most once per pair. */
  edge(i: number, j: number): boolean;
  /** Stop as soon as the smaller side cannot be covered (the caller needs no maximum matching then). */
  readonly stopWhenShort?: boolean;
}

/** The right vertex matched to each left vertex, or -1, in a maximum matching. */
export function maximumMatching(problem: MatchingProblem): Int32Array {
  return new Matcher(problem).run();
}

class Matcher {
  private readonly matchOfLeft: Int32Array;
  private readonly matchOfRight: Int32Array;
  private readonly tested = new Map<number, boolean>();
  private readonly candidateLists: Array<readonly number[] | undefined>;
  private readonly visited: Int32Array;
  private stamp = 0;
  private matched = 0;
  private readonly target: number;

  constructor(private readonly problem: MatchingProblem) {
    this.matchOfLeft = new Int32Array(problem.leftSize).fill(-1);
    this.matchOfRight = new Int32Array(problem.rightSize).fill(-1);
    this.candidateLists = new Array<readonly number[] | undefined>(problem.leftSize);
    this.visited = new Int32Array(problem.rightSize);
    this.target = Math.min(problem.leftSize, problem.rightSize);
  }

  run(): Int32Array {
    this.matchPreferred();
    let unmatchable = 0;
    for (let i = 0; i < this.problem.leftSize && this.matched < this.target; i++) {
      if (this.matchOfLeft[i] !== -1) continue;
      if (this.augment(i)) this.matched++;
      else if (this.problem.stopWhenShort && this.problem.leftSize - ++unmatchable < this.target) break;
    }
    return this.matchOfLeft;
  }

  private matchPreferred(): void {
    // Per key, the right vertices holding it; the cursor skips those matched meanwhile (amortized linear).
    const byKey = new Map<string, { readonly rights: number[]; cursor: number }>();
    for (let j = 0; j < this.problem.rightSize; j++) {
      for (const key of this.problem.rightKeys(j)) {
        const group = byKey.get(key);
        if (group === undefined) byKey.set(key, { rights: [j], cursor: 0 });
        else group.rights.push(j);
      }
    }
    for (let i = 0; i < this.problem.leftSize && this.matched < this.target; i++) {
      for (const key of this.problem.leftKeys(i)) {
        const group = byKey.get(key);
        if (group === undefined) continue;
        while (group.cursor < group.rights.length && this.matchOfRight[group.rights[group.cursor]!] !== -1) group.cursor++;
        const j = group.rights[group.cursor];
        if (j !== undefined && this.edge(i, j)) {
          this.link(i, j);
          this.matched++;
          break;
        }
      }
    }
  }

  /** Kuhn's search for an augmenting path from the unmatched left vertex `root`. */
  private augment(root: number): boolean {
    // An unmatched candidate ends the search at once; only matched ones need a path.
    for (const j of this.candidatesOf(root)) {
      if (this.matchOfRight[j] === -1 && this.edge(root, j)) {
        this.link(root, j);
        return true;
      }
    }
    const stamp = ++this.stamp;
    const lefts = [root];
    const positions = [0];
    const via: number[] = []; // via[k]: the right vertex leading from lefts[k] to lefts[k + 1]
    while (lefts.length > 0) {
      const top = lefts.length - 1;
      const i = lefts[top]!;
      const candidates = this.candidatesOf(i);
      let descended = false;
      while (positions[top]! < candidates.length) {
        const j = candidates[positions[top]!++]!;
        if (this.visited[j] === stamp || !this.edge(i, j)) continue;
        this.visited[j] = stamp;
        via[top] = j;
        const owner = this.matchOfRight[j]!;
        if (owner === -1) {
          for (let k = 0; k <= top; k++) this.link(lefts[k]!, via[k]!);
          return true;
        }
        lefts.push(owner);
        positions.push(0);
        descended = true;
        break;
      }
      if (!descended) {
        lefts.pop();
        positions.pop();
      }
    }
    return false;
  }

  private link(i: number, j: number): void {
    this.matchOfLeft[i] = j;
    this.matchOfRight[j] = i;
  }

  private candidatesOf(i: number): readonly number[] {
    let list = this.candidateLists[i];
    if (list === undefined) this.candidateLists[i] = list = this.problem.candidates(i);
    return list;
  }

  private edge(i: number, j: number): boolean {
    const key = i * this.problem.rightSize + j;
    let joined = this.tested.get(key);
    if (joined === undefined) this.tested.set(key, (joined = this.problem.edge(i, j)));
    return joined;
  }
}
