#!/usr/bin/python3
"""Golden fixtures for the importance-graph explanations (networkx reference).

Run with Debian's interpreter: /usr/bin/python3 make_graph_golden.py
Writes graph_golden.json next to this script.

Conventions mirrored by the C# code:
- A case holds signed coefficients for the upper triangle i<j of an n x n matrix, row-major
  (0-1, 0-2, ..., 0-(n-1), 1-2, ...). The importance weight of edge (i, j) is |coefficient|.
- The importance graph is the complete graph on n nodes with every pair present, zero weights
  included, edges added in row-major order (so networkx's stable Kruskal sort breaks weight ties
  in row-major order).
- Tree metrics are computed on the maximum spanning tree rebuilt with its edges added in
  row-major order (so every node's adjacency is in ascending neighbour order).
"""
import json
import os
import sys

try:
    import numpy as np
    import networkx as nx
    from networkx.algorithms.community import greedy_modularity_communities, modularity
except ImportError as e:  # pragma: no cover
    sys.exit(f"make_graph_golden.py needs numpy and networkx for /usr/bin/python3: {e}")


def complete_graph(n, w):
    g = nx.Graph()
    g.add_nodes_from(range(n))
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            g.add_edge(i, j, weight=float(w[k]))
            k += 1
    return g


def nonzero_graph(n, w):
    g = nx.Graph()
    g.add_nodes_from(range(n))
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            if w[k] != 0:
                g.add_edge(i, j, weight=float(w[k]))
            k += 1
    return g


def canonical_tree(n, t):
    edges = sorted((min(u, v), max(u, v), d["weight"]) for u, v, d in t.edges(data=True))
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for i, j, w in edges:
        g.add_edge(i, j, weight=w)
    return g


def weighted_jaccard_distance(ta, tb):
    wa = {(min(u, v), max(u, v)): d["weight"] for u, v, d in ta.edges(data=True)}
    wb = {(min(u, v), max(u, v)): d["weight"] for u, v, d in tb.edges(data=True)}
    keys = set(wa) | set(wb)
    num = sum(min(wa.get(e, 0.0), wb.get(e, 0.0)) for e in keys)
    den = sum(max(wa.get(e, 0.0), wb.get(e, 0.0)) for e in keys)
    return 1.0 - num / den


def inverse_weight_efficiency(t):
    """Mean over ordered pairs of 1 / (sum of 1/w along the path); zero-weight edges are cut."""
    n = t.number_of_nodes()
    if n < 2:
        return 0.0
    length = lambda u, v, d: None if d["weight"] == 0 else 1.0 / d["weight"]
    total = 0.0
    for s, dists in nx.all_pairs_dijkstra_path_length(t, weight=length):
        total += sum(1.0 / d for target, d in dists.items() if target != s)
    return total / (n * (n - 1))


def partition_list(communities):
    return [sorted(int(x) for x in c) for c in communities]


def analyse(name, n, coef, coef_b, labels, given_partition):
    w = np.abs(np.asarray(coef, dtype=float))
    wb = np.abs(np.asarray(coef_b, dtype=float))
    g = complete_graph(n, w)
    t_raw = nx.maximum_spanning_tree(g, weight="weight")
    # Kruskal's acceptance order (descending weight, ties in G.edges order).
    mst_order = [[int(min(u, v)), int(max(u, v))]
                 for u, v in nx.maximum_spanning_edges(g, algorithm="kruskal", weight="weight", data=False)]
    assert sorted(map(tuple, mst_order)) == sorted((min(u, v), max(u, v)) for u, v in t_raw.edges())
    t = canonical_tree(n, t_raw)
    tb = canonical_tree(n, nx.maximum_spanning_tree(complete_graph(n, wb), weight="weight"))

    degree = [float(d) for _, d in sorted(t.degree(weight="weight"))]
    # On a tree every pair has exactly one path, so betweenness does not depend on the weights.
    # networkx's weighted (Dijkstra) variant agrees only while every tree weight is positive: a
    # zero-length edge makes its Dijkstra count an already settled neighbour as an equal-length
    # predecessor. The reference is therefore the hop-count variant, and the weighted one is
    # checked against it whenever the tree has no zero weights.
    btw = nx.betweenness_centrality(t, normalized=True)
    betweenness = [float(btw[v]) for v in range(n)]
    if all(d > 0 for _, _, d in t.edges(data="weight")):
        btw_w = nx.betweenness_centrality(t, weight="weight", normalized=True)
        assert all(abs(btw_w[v] - btw[v]) < 1e-12 for v in range(n)), "tree betweenness must not depend on weights"

    networks = []
    seen = []
    for lab in labels:
        if lab not in seen:
            seen.append(lab)
    for lab in seen:
        idx = [v for v in range(n) if labels[v] == lab]
        networks.append({
            "network": lab,
            "count": len(idx),
            "mean_degree": float(np.mean([degree[v] for v in idx])),
            "mean_betweenness": float(np.mean([betweenness[v] for v in idx])),
        })

    case = {
        "name": name,
        "n": n,
        "coefficients": [float(x) for x in coef],
        "coefficients_b": [float(x) for x in coef_b],
        "labels": labels,
        "mst_edges": sorted([min(a, b), max(a, b), float(wt)] for a, b, wt in t.edges(data="weight")),
        "mst_edges_kruskal_order": mst_order,
        "mst_total_weight": float(t.size(weight="weight")),
        "degree": degree,
        "betweenness": betweenness,
        "networks": networks,
        "global_efficiency": float(nx.global_efficiency(t)),
        "inverse_weight_efficiency": inverse_weight_efficiency(t),
        "diameter": int(nx.diameter(t)),
        "jaccard_distance_ab": float(weighted_jaccard_distance(t, tb)),
        "given_partition": given_partition,
        "tree_modularity_given": float(modularity(t, [set(c) for c in given_partition], weight="weight")),
    }
    if t.size(weight="weight") > 0:
        comms = greedy_modularity_communities(t, weight="weight")
        case["tree_greedy_communities"] = partition_list(comms)
        case["tree_greedy_modularity"] = float(modularity(t, comms, weight="weight"))
    # General (non-tree) graph references on the same weights: the nonzero-weight graph.
    gnz = nonzero_graph(n, w)
    if gnz.size(weight="weight") > 0:
        comms = greedy_modularity_communities(gnz, weight="weight")
        case["graph_greedy_communities"] = partition_list(comms)
        case["graph_greedy_modularity"] = float(modularity(gnz, comms, weight="weight"))
        case["graph_modularity_given"] = float(modularity(gnz, [set(c) for c in given_partition], weight="weight"))
    case["graph_global_efficiency"] = float(nx.global_efficiency(gnz))
    if nx.is_connected(gnz):
        case["graph_diameter"] = int(nx.diameter(gnz))
    return case


def labels_for(n, k):
    names = ["Vis", "SomMot", "DorsAttn", "SalVentAttn", "Limbic", "Cont", "Default"]
    return [names[(v * k) // n] for v in range(n)]


def partition_from_labels(labels):
    out = {}
    for v, lab in enumerate(labels):
        out.setdefault(lab, []).append(v)
    return list(out.values())


def main():
    rng = np.random.default_rng(20240611)
    cases = []

    # Random continuous coefficients of both signs.
    for n in (6, 11, 17, 25, 40):
        e = n * (n - 1) // 2
        coef = np.round(rng.normal(size=e), 5)
        coef_b = np.round(coef + 0.5 * rng.normal(size=e), 5)
        labels = labels_for(n, min(7, max(2, n // 5)))
        cases.append(analyse(f"random_n{n}", n, coef, coef_b, labels, partition_from_labels(labels)))

    # Lasso-like: most coefficients exactly zero (the tree must still span; zero ties row-major).
    n = 20
    e = n * (n - 1) // 2
    coef = np.round(rng.normal(size=e), 5) * (rng.random(e) < 0.08)
    coef_b = np.round(coef * (1 + 0.5 * rng.random(e)), 5)
    labels = labels_for(n, 4)
    cases.append(analyse("sparse_zeros_n20", n, coef, coef_b, labels, partition_from_labels(labels)))

    # Coarsely quantised weights: many exact ties in Kruskal and in the greedy merges.
    n = 16
    e = n * (n - 1) // 2
    coef = np.round(rng.normal(size=e), 1)
    coef_b = np.round(rng.normal(size=e), 1)
    labels = labels_for(n, 3)
    cases.append(analyse("quantised_ties_n16", n, coef, coef_b, labels, partition_from_labels(labels)))

    # Planted blocks: strong within-block weights, weak between.
    n = 30
    blocks = [v * 3 // n for v in range(n)]
    coef = []
    for i in range(n):
        for j in range(i + 1, n):
            base = 1.0 if blocks[i] == blocks[j] else 0.1
            coef.append(round(base * (0.5 + rng.random()) * (1 if rng.random() < 0.5 else -1), 5))
    coef = np.asarray(coef)
    coef_b = np.round(coef * (0.5 + rng.random(len(coef))), 5)
    labels = [["A", "B", "C"][b] for b in blocks]
    cases.append(analyse("planted_blocks_n30", n, coef, coef_b, labels, partition_from_labels(labels)))

    # Karate club as 0/1 weights: heavy ties everywhere.
    kc = nx.karate_club_graph()
    n = kc.number_of_nodes()
    coef = []
    for i in range(n):
        for j in range(i + 1, n):
            coef.append(1.0 if kc.has_edge(i, j) else 0.0)
    coef = np.asarray(coef)
    coef_b = np.asarray([1.0 if (i + j) % 3 == 0 else 0.0 for i in range(n) for j in range(i + 1, n)])
    labels = ["Mr. Hi" if kc.nodes[v]["club"] == "Mr. Hi" else "Officer" for v in range(n)]
    cases.append(analyse("karate_binary_n34", n, coef, coef_b, labels, partition_from_labels(labels)))

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "graph_golden.json")
    with open(out, "w") as f:
        json.dump({"networkx": nx.__version__, "numpy": np.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {out}: {len(cases)} cases")


if __name__ == "__main__":
    main()
