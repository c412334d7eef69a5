import ReelServing
/// The scripts of the Explore and API pages. Plain ES2020, no build step, no
/// library. Data from the API is only ever inserted with `textContent` /
/// text nodes (the `el` helper), never parsed as HTML.
enum WebScripts {
    /// `el(tag, attrs, ...kids)`: builds an element, children as text nodes or elements (both pages).
    static let elHelper = #"""
        function el(tag, attrs, ...kids) {
          const e = document.createElement(tag);
          for (const [k, v] of Object.entries(attrs || {})) {
            if (v === null || v === undefined || v === false) continue;
            if (k === "class") e.className = v;
            else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
            else e.setAttribute(k, v === true ? "" : String(v));
          }
          for (const kid of kids.flat(Infinity)) if (kid !== null && kid !== undefined) e.append(kid);
          return e;
        }
        """#

    static let explore = #"""
        "use strict";
        (() => {
        const $ = (id) => document.getElementById(id);
        \#(elHelper)
        async function api(path) {
          const r = await fetch(path, { headers: { Accept: "application/json" } });
          let body = {};
          try { body = await r.json(); } catch (_) { /* not JSON */ }
          if (!r.ok) throw new Error(body.detail || `${r.status} ${r.statusText}`);
          return body;
        }
        const fmt = (x, d = 3) => (typeof x === "number" ? x.toFixed(d) : "—");
        const year = (m) => (m.year ? ` (${m.year})` : "");
        function age(seconds) {
          if (seconds < 120) return `${seconds} s`;
          if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
          if (seconds < 172800) return `${Math.round(seconds / 3600)} h`;
          return `${Math.round(seconds / 86400)} days`;
        }
        function stars(r) { return "★".repeat(Math.floor(r)) + (r % 1 ? "½" : "") + ` ${r.toFixed(1)}`; }
        const movieLink = (m) => el("a", { href: `#/movie/${m.movieId}` }, m.title + year(m));
        const genreChips = (genres) => el("ul", { class: "chips", "aria-label": "Genres" }, genres.map((g) => el("li", null, g)));

        let release = null;
        let genres = [];
        const view = $("view");

        function show(...nodes) { view.replaceChildren(...nodes); }
        function failure(what, err) {
          return el("div", { class: "panel error", role: "alert" }, `${what}: ${err.message}`);
        }

        // ---- Release badge and facts ----
        function metricsOf(meta) {
          const m = (meta && meta.metrics) || {};
          const out = [];
          for (const [k, v] of Object.entries(m)) if (typeof v === "number") out.push([k, v]);
          return out;
        }
        async function loadRelease() {
          try {
            release = await api("/v1/release");
            const ndcg = metricsOf(release.metadata).find(([k]) => /ndcg/i.test(k));
            $("release-badge").textContent =
              `release ${release.id} · ${age(release.ageSeconds)} old` + (ndcg ? ` · NDCG@10 ${fmt(ndcg[1])}` : "");
          } catch (err) {
            $("release-badge").textContent = `no release: ${err.message}`;
          }
          try {
            const doc = await api("/openapi.json");
            genres = doc.components.schemas.Genre.enum || [];
          } catch (_) { genres = []; }
        }
        function releasePanel() {
          if (!release) return el("section", { class: "panel" }, el("h2", null, "This release"), el("p", { class: "muted" }, "No release is loaded."));
          const c = release.counts, meta = release.metadata || {};
          const facts = [
            ["Release", release.id], ["Created", release.created], ["Age", age(release.ageSeconds)],
            ["Loaded", release.loaded], ["Users", c.users.toLocaleString()], ["Movies", c.movies.toLocaleString()],
            ["Stored per user", c.recommendationsPerUser], ["Served order", (meta.serving && meta.serving.defaultMode) || "—"],
          ];
          if (meta.format) facts.push(["Format", meta.format]);
          for (const [k, v] of metricsOf(meta).slice(0, 10)) facts.push([k, fmt(v, 4)]);
          return el("section", { class: "panel", "aria-labelledby": "release-h" },
            el("h2", { id: "release-h" }, "This release"),
            el("dl", { class: "facts", id: "release-facts" }, facts.map(([k, v]) => [el("dt", null, k), el("dd", null, String(v))])),
            el("p", null, el("a", { href: "/report" }, "Evaluation report"), " · ", el("a", { href: "/docs" }, "API")));
        }

        // ---- Home: trending by window and genre ----
        async function home() {
          const windowSel = el("select", { id: "trend-window" }, ["24h", "7d", "30d"].map((w) => el("option", { value: w, selected: w === "7d" }, w)));
          const genreSel = el("select", { id: "trend-genre" }, el("option", { value: "" }, "All genres"), genres.map((g) => el("option", { value: g }, g)));
          const list = el("ol", { class: "list", id: "trend-list" });
          const trending = el("section", { class: "panel", "aria-labelledby": "trend-h" },
            el("h2", { id: "trend-h" }, "Trending now"),
            el("div", { class: "filters" },
              el("div", null, el("label", { for: "trend-window" }, "Window"), windowSel),
              el("div", null, el("label", { for: "trend-genre" }, "Genre"), genreSel)),
            list);
          async function refresh() {
            const g = genreSel.value ? `&genre=${encodeURIComponent(genreSel.value)}` : "";
            try {
              const t = await api(`/v1/trending?window=${windowSel.value}&k=15${g}`);
              list.replaceChildren(...t.items.map((m) => el("li", null, movieLink(m), " ", el("span", { class: "muted" }, m.genres.join(", ")))));
              if (!t.items.length) list.replaceChildren(el("li", { class: "muted" }, "Nothing trending in this window."));
            } catch (err) { list.replaceChildren(el("li", { class: "error" }, err.message)); }
          }
          windowSel.addEventListener("change", refresh);
          genreSel.addEventListener("change", refresh);
          show(el("div", { class: "grid2" }, trending, releasePanel()));
          await refresh();
        }

        // ---- Movie view ----
        async function trendingPositions(id) {
          const k = release ? release.counts.trendingPerList : 20;
          const out = [];
          for (const w of ["24h", "7d", "30d"]) {
            try {
              const t = await api(`/v1/trending?window=${w}&k=${k}`);
              const i = t.items.findIndex((m) => m.movieId === id);
              out.push([w, i >= 0 ? `#${i + 1} of ${t.count}` : t.count < k ? "not trending" : `not in the top ${k}`]);
            } catch (err) { out.push([w, err.message]); }
          }
          return out;
        }
        async function movie(id) {
          show(el("p", { class: "muted" }, "Loading movie…"));
          let m, sim, pos;
          try {
            [m, sim, pos] = await Promise.all([api(`/v1/movies/${id}`), api(`/v1/movies/${id}/similar?k=10`).catch((e) => ({ items: [], error: e })), trendingPositions(id)]);
          } catch (err) { return show(failure(`Movie ${id}`, err)); }
          const facts = [["Movie id", m.movieId], ["Year", m.year || "unknown"], ["Ratings", `${m.ratingCount.toLocaleString()} (mean ${fmt(m.ratingMean, 2)})`],
            ["Popularity 24h / 7d / 30d", `${fmt(m.popularity["24h"], 2)} / ${fmt(m.popularity["7d"], 2)} / ${fmt(m.popularity["30d"], 2)}`]];
          const info = el("section", { class: "panel", "aria-labelledby": "movie-title" },
            el("h2", { id: "movie-title" }, m.title + year(m)), genreChips(m.genres),
            el("dl", { class: "facts" }, facts.map(([k, v]) => [el("dt", null, k), el("dd", null, String(v))])),
            el("h3", null, "Trending position"),
            el("dl", { class: "facts", id: "movie-trending" }, pos.map(([w, p]) => [el("dt", null, w), el("dd", null, p)])));
          const similar = el("section", { class: "panel", "aria-labelledby": "similar-h" },
            el("h2", { id: "similar-h" }, "Similar movies"),
            sim.error ? el("p", { class: "error" }, sim.error.message)
              : el("ol", { class: "list", id: "similar-list" }, sim.items.map((s) => el("li", null, movieLink(s), " ", el("span", { class: "muted" }, `cos ${fmt(s.score, 2)}`)))));
          show(el("div", { class: "grid2" }, info, similar));
          document.title = `Reel — ${m.title}`;
        }

        // ---- User view ----
        let blendMode = "served";
        async function user(id) {
          show(el("p", { class: "muted" }, "Loading user…"));
          let ratings;
          try { ratings = await api(`/v1/users/${id}/ratings`); } catch (err) { return show(failure(`User ${id}`, err)); }
          const recentList = el("ol", { class: "list", id: "recent-list" },
            ratings.items.map((r) => el("li", null, movieLink(r), " ", el("span", { class: "stars" }, stars(r.rating)), " ",
              el("span", { class: "muted" }, new Date(r.ratedAt * 1000).toISOString().slice(0, 10)))));
          if (!ratings.items.length) recentList.append(el("li", { class: "muted" }, ratings.stored ? "No ratings." : "This release stores no recent ratings."));
          const recs = el("ol", { class: "list", id: "recs-list" });
          const source = el("p", { class: "muted", id: "recs-source" });
          const radio = (value, text) => [
            el("input", { type: "radio", name: "blend", id: `blend-${value}`, value, checked: blendMode === value,
              onchange: () => { blendMode = value; loadRecs(); } }),
            el("label", { for: `blend-${value}` }, text)];
          const sw = el("div", { class: "switch", role: "radiogroup", "aria-label": "Order of the recommendations" },
            radio("served", "Served blend"), radio("model", "Model order"));
          async function loadRecs() {
            try {
              const r = await api(`/v1/users/${id}/recommendations?k=10` + (blendMode === "model" ? "&mode=als" : ""));
              let text = `source: ${r.source}`;
              if (r.weights) text += ` · weights model ${fmt(r.weights.model, 2)}, trending ${fmt(r.weights.trending, 2)}, diversity ${fmt(r.weights.diversity, 2)}`;
              source.textContent = text;
              recs.replaceChildren(...r.items.map((m) => el("li", null, movieLink(m), " ", el("span", { class: "muted" }, `${m.genres.join(", ")} · ${fmt(m.score, 3)}`))));
            } catch (err) { recs.replaceChildren(el("li", { class: "error" }, err.message)); }
          }
          show(el("h2", { id: "user-title" }, `User ${id}`),
            el("div", { class: "grid2" },
              el("section", { class: "panel", "aria-labelledby": "recent-h" },
                el("h2", { id: "recent-h" }, `Recent ratings (${ratings.count} of the last ${ratings.stored})`), recentList),
              el("section", { class: "panel", "aria-labelledby": "recs-h" },
                el("h2", { id: "recs-h" }, "Recommendations"), sw, source, recs)));
          document.title = `Reel — user ${id}`;
          await loadRecs();
        }

        // ---- Search as you type ----
        const input = $("search"), results = $("search-results");
        let searchSeq = 0, active = -1;
        async function search() {
          const q = input.value.trim();
          const seq = ++searchSeq;
          if (!q) { results.replaceChildren(); return; }
          try {
            const r = await api(`/v1/movies?q=${encodeURIComponent(q)}&k=10`);
            if (seq !== searchSeq) return;
            active = -1;
            results.replaceChildren(...r.items.map((m) => el("li", null, el("a", { href: `#/movie/${m.movieId}` },
              m.title + year(m), " ", el("span", { class: "meta" }, `${m.genres.join(", ")} · ${m.ratingCount.toLocaleString()} ratings`)))));
            if (!r.items.length) results.replaceChildren(el("li", { class: "muted" }, "No title matches."));
          } catch (err) { results.replaceChildren(el("li", { class: "error" }, err.message)); }
        }
        let timer = 0;
        input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, 120); });
        input.addEventListener("keydown", (e) => {
          const links = [...results.querySelectorAll("a")];
          if (!links.length) return;
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            active = (active + (e.key === "ArrowDown" ? 1 : links.length - 1)) % links.length;
            links.forEach((a, i) => a.classList.toggle("active", i === active));
            links[active].scrollIntoView({ block: "nearest" });
          } else if (e.key === "Enter") {
            e.preventDefault();
            location.hash = links[Math.max(active, 0)].getAttribute("href");
          }
        });
        $("user-form").addEventListener("submit", (e) => {
          e.preventDefault();
          const id = $("user-id").value.trim();
          if (/^\d+$/.test(id)) location.hash = `#/user/${id}`;
        });

        // ---- Router ----
        async function route() {
          const m = location.hash.match(/^#\/(movie|user)\/(\d+)$/);
          document.title = "Reel — Explore";
          if (!m) return home();
          if (m[1] === "movie") await movie(Number(m[2])); else await user(Number(m[2]));
          view.focus({ preventScroll: true });
        }
        window.addEventListener("hashchange", route);
        loadRelease().then(route);
        })();
        """#
}
