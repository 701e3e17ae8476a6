/**
 * Assignment / bipartite matching solvers (own code, no dependency; SPEC §6a, §6b, §8).
 *
 * - {@link solveLexAssignment}: Hungarian algorithm (Kuhn–Munkres with potentials, the
 *   shortest-augmenting-path formulation usually attributed to Jonker–Volgenant), O(n²·m).
 * - {@link maxLexMatching}: one-to-one matching that maximises the number of matched pairs first,
 *   then the total weight (IoU). Splits the eligible graph into connected components first, so
 *   a long recording with many local overlaps costs many tiny problems rather than one O(n³);
 *   small components use the dense Hungarian solver, large (sparse) ones
 *   {@link sparseLexMatching} (successive shortest paths).
 * - {@link maxCardinalityMatching}: Hopcroft–Karp, O(E·√V), for pure cardinality (events, spans).
 *
 * Exactness of the lexicographic objective. SPEC §6a phrases it as one scalar cost
 * `−(K + IoU)` with `K = min(|A|,|B|) + 1`. In doubles that is lossy: adding K shifts the IoU's
 * low-order bits out (K = 1000 costs ~10 bits), and two totals that differ only in IoU could
 * compare equal or swap. Instead every cost here is a *pair* `(hi, lo)` compared
 * lexicographically: `hi` = −1 per eligible pair (an integer, so sums are exact as long as they
 * stay below 2^53), `lo` = −IoU. Pairs with component-wise addition form an ordered abelian
 * group, and the Hungarian algorithm only ever adds, subtracts and compares costs (potentials,
 * reduced costs, slack), so it is correct over that group verbatim. Cardinality is therefore
 * maximised exactly; only the IoU tie-break carries ordinary floating-point rounding, which can
 * matter only for totals equal to ~1e-15 (the vectors avoid exact IoU ties).
 */

/**
 * Minimum-cost assignment with lexicographic costs `(hi(i,j), lo(i,j))`.
 * Returns `rowToCol[i]` (or −1 when there are more rows than columns and row i is left out).
 * Every row (or every column, if fewer) is assigned; callers discard "zero" pairs themselves.
 */
export function solveLexAssignment(
  nRows: number,
  nCols: number,
  hi: (i: number, j: number) => number,
  lo: (i: number, j: number) => number,
): Int32Array {
  if (nRows > nCols) {
    // The algorithm needs rows ≤ columns: solve the transpose and invert the answer.
    const colToRow = solveLexAssignment(
      nCols,
      nRows,
      (i, j) => hi(j, i),
      (i, j) => lo(j, i),
    );
    const rowToCol = new Int32Array(nRows).fill(-1);
    colToRow.forEach((r, c) => {
      if (r >= 0) rowToCol[r] = c;
    });
    return rowToCol;
  }
  const n = nRows;
  const m = nCols;
  // 1-based arrays as in the classic formulation; index 0 is the virtual column/row.
  const uH = new Float64Array(n + 1);
  const uL = new Float64Array(n + 1);
  const vH = new Float64Array(m + 1);
  const vL = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j] = row matched to column j (0 = none)
  const way = new Int32Array(m + 1);
  const minH = new Float64Array(m + 1);
  const minL = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minH.fill(Infinity);
    minL.fill(0);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      let dH = Infinity;
      let dL = 0;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const curH = hi(i0 - 1, j - 1) - uH[i0] - vH[j];
        const curL = lo(i0 - 1, j - 1) - uL[i0] - vL[j];
        if (curH < minH[j] || (curH === minH[j] && curL < minL[j])) {
          minH[j] = curH;
          minL[j] = curL;
          way[j] = j0;
        }
        if (minH[j] < dH || (minH[j] === dH && minL[j] < dL)) {
          dH = minH[j];
          dL = minL[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          uH[p[j]] += dH;
          uL[p[j]] += dL;
          vH[j] -= dH;
          vL[j] -= dL;
        } else {
          minH[j] -= dH;
          minL[j] -= dL;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowToCol = new Int32Array(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j] !== 0) rowToCol[p[j] - 1] = j - 1;
  return rowToCol;
}

/** An eligible pair between left item `a` and right item `b` with weight `w` (e.g. IoU). */
export interface WeightedEdge {
  readonly a: number;
  readonly b: number;
  readonly w: number;
}

/** Groups edges by connected component of the bipartite graph (union–find). */
function edgeComponents(nA: number, edges: readonly WeightedEdge[]): WeightedEdge[][] {
  let nB = 0;
  for (const e of edges) nB = Math.max(nB, e.b + 1);
  const parent = new Int32Array(nA + nB);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (const e of edges) {
    const ra = find(e.a);
    const rb = find(nA + e.b);
    if (ra !== rb) parent[ra] = rb;
  }
  const groups = new Map<number, WeightedEdge[]>();
  for (const e of edges) {
    const r = find(e.a);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(e);
  }
  return [...groups.values()];
}

/**
 * Sparse alternative for large components: min-cost max-flow by successive shortest paths
 * (Dijkstra with Johnson potentials) on s → A → B → t with unit capacities and cost −w on A→B.
 * Every augmentation adds exactly one pair, so the flow value, i.e. the matching cardinality,
 * is maximised by construction (exact, independent of float rounding), and SSP yields the
 * minimum cost, i.e. the maximum total weight, among flows of that value. That is the same
 * lexicographic objective as the dense solver in a two-stage form. O(F·E·log V) instead of
 * O(n³), which matters for long chains of mutually overlapping segments.
 */
export function sparseLexMatching(nA: number, nB: number, edges: readonly WeightedEdge[]): [number, number][] {
  const V = nA + nB + 2;
  const s = 0;
  const t = V - 1;
  const to: number[] = [];
  const cap: number[] = [];
  const cost: number[] = [];
  const next: number[] = [];
  const head = new Int32Array(V).fill(-1);
  const add = (u: number, v: number, c: number): void => {
    // edge k and its reverse k ^ 1 are pushed together
    to.push(v, u);
    cap.push(1, 0);
    cost.push(c, -c);
    next.push(head[u], head[v]);
    head[u] = to.length - 2;
    head[v] = to.length - 1;
  };
  for (let a = 0; a < nA; a++) add(s, 1 + a, 0);
  for (let b = 0; b < nB; b++) add(1 + nA + b, t, 0);
  const firstPair = to.length;
  for (const e of edges) add(1 + e.a, 1 + nA + e.b, -e.w);
  // Initial potentials (shortest distances in the DAG) make every reduced cost ≥ 0.
  const pot = new Float64Array(V);
  for (const e of edges) pot[1 + nA + e.b] = Math.min(pot[1 + nA + e.b], -e.w);
  for (let b = 0; b < nB; b++) pot[t] = Math.min(pot[t], pot[1 + nA + b]);
  const dist = new Float64Array(V);
  const prev = new Int32Array(V);
  const heapD: number[] = [];
  const heapV: number[] = [];
  const push = (d: number, v: number): void => {
    let i = heapD.length;
    heapD.push(d);
    heapV.push(v);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heapD[p] <= d) break;
      heapD[i] = heapD[p];
      heapV[i] = heapV[p];
      i = p;
    }
    heapD[i] = d;
    heapV[i] = v;
  };
  const pop = (): [number, number] => {
    const top: [number, number] = [heapD[0], heapV[0]];
    const d = heapD.pop()!;
    const v = heapV.pop()!;
    if (heapD.length > 0) {
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= heapD.length) break;
        if (c + 1 < heapD.length && heapD[c + 1] < heapD[c]) c++;
        if (heapD[c] >= d) break;
        heapD[i] = heapD[c];
        heapV[i] = heapV[c];
        i = c;
      }
      heapD[i] = d;
      heapV[i] = v;
    }
    return top;
  };
  for (;;) {
    dist.fill(Infinity);
    prev.fill(-1);
    dist[s] = 0;
    push(0, s);
    while (heapD.length > 0) {
      const [d, u] = pop();
      if (d > dist[u]) continue;
      if (u === t) break; // early exit; potentials below use min(dist, dist[t])
      for (let k = head[u]; k !== -1; k = next[k]) {
        if (cap[k] === 0) continue;
        const v = to[k];
        // clamp: rounding can make a tight reduced cost −1e-17
        const nd = d + Math.max(0, cost[k] + pot[u] - pot[v]);
        if (nd < dist[v]) {
          dist[v] = nd;
          prev[v] = k;
          push(nd, v);
        }
      }
    }
    heapD.length = 0;
    heapV.length = 0;
    if (dist[t] === Infinity) break;
    const dt = dist[t];
    for (let v = 0; v < V; v++) pot[v] += Math.min(dist[v], dt);
    for (let v = t; v !== s; v = to[prev[v] ^ 1]) {
      cap[prev[v]]--;
      cap[prev[v] ^ 1]++;
    }
  }
  const out: [number, number][] = [];
  for (let k = firstPair; k < to.length; k += 2) {
    if (cap[k] === 0) out.push([to[k + 1] - 1, to[k] - 1 - nA]);
  }
  return out.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}

/** True when no two edges share an endpoint. */
function isMatching(nA: number, edges: readonly WeightedEdge[]): boolean {
  let nB = 0;
  for (const e of edges) if (e.b >= nB) nB = e.b + 1;
  const usedA = new Uint8Array(nA);
  const usedB = new Uint8Array(nB);
  for (const e of edges) {
    if (usedA[e.a] || usedB[e.b]) return false;
    usedA[e.a] = 1;
    usedB[e.b] = 1;
  }
  return true;
}

/** Components up to this many rows × columns go to the dense Hungarian solver. */
const DENSE_LIMIT = 64 * 64;

/**
 * Maximum-cardinality matching that, among those, maximises the total weight (SPEC §6a).
 * Returns the matched pairs `[a, b]` sorted by `a`.
 */
export function maxLexMatching(nA: number, edges: readonly WeightedEdge[]): [number, number][] {
  if (isMatching(nA, edges)) {
    // Every component is a single edge (the usual case for θ ≥ 0.5 on non-overlapping
    // segments, SPEC §6a): the eligible graph is its own optimal matching.
    const out = edges.map((e): [number, number] => [e.a, e.b]);
    let sorted = true;
    for (let k = 1; k < out.length && sorted; k++) if (out[k][0] < out[k - 1][0]) sorted = false;
    return sorted ? out : out.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  }
  const out: [number, number][] = [];
  for (const comp of edgeComponents(nA, edges)) {
    if (comp.length === 1) {
      out.push([comp[0].a, comp[0].b]);
      continue;
    }
    const rows = [...new Set(comp.map((e) => e.a))];
    const cols = [...new Set(comp.map((e) => e.b))];
    const rIdx = new Map(rows.map((r, i) => [r, i]));
    const cIdx = new Map(cols.map((c, i) => [c, i]));
    if (rows.length * cols.length > DENSE_LIMIT) {
      const local = comp.map((e) => ({ a: rIdx.get(e.a)!, b: cIdx.get(e.b)!, w: e.w }));
      for (const [i, j] of sparseLexMatching(rows.length, cols.length, local)) out.push([rows[i], cols[j]]);
      continue;
    }
    const W = new Float64Array(rows.length * cols.length);
    const E = new Uint8Array(rows.length * cols.length);
    for (const e of comp) {
      const k = rIdx.get(e.a)! * cols.length + cIdx.get(e.b)!;
      E[k] = 1;
      W[k] = e.w;
    }
    const nc = cols.length;
    const assign = solveLexAssignment(
      rows.length,
      nc,
      (i, j) => (E[i * nc + j] ? -1 : 0),
      (i, j) => (E[i * nc + j] ? -W[i * nc + j] : 0),
    );
    assign.forEach((j, i) => {
      if (j >= 0 && E[i * nc + j]) out.push([rows[i], cols[j]]);
    });
  }
  return out.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}

/**
 * Hopcroft–Karp maximum-cardinality bipartite matching. `adj[a]` lists the right vertices
 * (0..nB−1) adjacent to left vertex a. Returns `matchA[a]` = b or −1.
 * Iterative DFS so that long alternating paths cannot overflow the call stack.
 */
export function maxCardinalityMatching(nB: number, adj: readonly (readonly number[])[]): Int32Array {
  const nA = adj.length;
  const matchA = new Int32Array(nA).fill(-1);
  const matchB = new Int32Array(nB).fill(-1);
  const dist = new Int32Array(nA);
  const INF = 0x3fffffff;
  const bfs = (): boolean => {
    const queue: number[] = [];
    for (let a = 0; a < nA; a++) {
      if (matchA[a] === -1) {
        dist[a] = 0;
        queue.push(a);
      } else dist[a] = INF;
    }
    let found = false;
    for (let q = 0; q < queue.length; q++) {
      const a = queue[q];
      for (const b of adj[a]) {
        const a2 = matchB[b];
        if (a2 === -1) found = true;
        else if (dist[a2] === INF) {
          dist[a2] = dist[a] + 1;
          queue.push(a2);
        }
      }
    }
    return found;
  };
  const it = new Int32Array(nA);
  const tryAugment = (root: number): boolean => {
    const stack = [root];
    while (stack.length > 0) {
      const a = stack[stack.length - 1];
      if (it[a] >= adj[a].length) {
        dist[a] = INF; // dead end for this phase
        stack.pop();
        continue;
      }
      const b = adj[a][it[a]++];
      const a2 = matchB[b];
      if (a2 === -1) {
        // Free right vertex: flip the path recorded on the stack (each a uses its adj[a][it−1]).
        for (let k = stack.length - 1; k >= 0; k--) {
          const ak = stack[k];
          const bk = adj[ak][it[ak] - 1];
          matchA[ak] = bk;
          matchB[bk] = ak;
        }
        return true;
      }
      if (dist[a2] === dist[a] + 1) stack.push(a2);
    }
    return false;
  };
  while (bfs()) {
    it.fill(0);
    for (let a = 0; a < nA; a++) if (matchA[a] === -1) tryAugment(a);
  }
  return matchA;
}
