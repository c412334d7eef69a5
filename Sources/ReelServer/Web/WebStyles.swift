/// The one stylesheet of the Explore and API pages (`/static/reel.css`).
enum WebStyles {
    static let css = #"""
        :root {
          --bg: #f6f7f9; --panel: #ffffff; --ink: #1b1f24; --muted: #5b6470; --line: #d9dde3;
          --accent: #2454d6; --accent-ink: #ffffff; --good: #1b7f3b; --warn: #a15c00; --chip: #eef1f6;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
          color: var(--ink); background: var(--bg);
        }
        * { box-sizing: border-box; }
        body { margin: 0; line-height: 1.45; }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible {
          outline: 3px solid #ffb000; outline-offset: 2px;
        }
        .skip { position: absolute; left: -999px; top: 0; background: var(--panel); padding: .5rem; }
        .skip:focus { left: .5rem; z-index: 10; }
        header.top { display: flex; flex-wrap: wrap; gap: .75rem 1.5rem; align-items: center; padding: .75rem 1.25rem;
          background: #11203f; color: #fff; }
        header.top .brand { font-weight: 700; font-size: 1.25rem; color: #fff; text-decoration: none; letter-spacing: .02em; }
        header.top nav { display: flex; gap: 1rem; }
        header.top nav a { color: #cfe0ff; text-decoration: none; }
        header.top nav a:hover, header.top nav a[aria-current="page"] { color: #fff; text-decoration: underline; }
        .release-badge { margin-left: auto; font-size: .85rem; color: #cfe0ff; }
        main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
        #view:focus { outline: none; }
        .toolbar { display: grid; grid-template-columns: 2fr 1fr; gap: 1rem; }
        .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.1rem; }
        .panel h2, .panel h3 { margin: 0 0 .6rem; }
        .panel h3 { margin-top: 1rem; }
        label { font-weight: 600; display: block; margin-bottom: .3rem; }
        input[type=search], input[type=number], select { font: inherit; padding: .55rem .7rem; border: 1px solid #aab2bd;
          border-radius: 8px; width: 100%; background: #fff; color: var(--ink); }
        .row { display: flex; gap: .5rem; }
        button { font: inherit; padding: .5rem .9rem; border-radius: 8px; border: 1px solid var(--accent);
          background: var(--accent); color: var(--accent-ink); cursor: pointer; }
        button.secondary { background: #fff; color: var(--accent); }
        .results { list-style: none; margin: .5rem 0 0; padding: 0; max-height: 22rem; overflow: auto; }
        .results li a { display: block; padding: .45rem .6rem; border-radius: 6px; text-decoration: none; color: var(--ink); }
        .results li a:hover, .results li a.active { background: var(--chip); }
        .results .meta, .muted { color: var(--muted); font-size: .9rem; }
        .grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin-top: 1rem; }
        .grid3 { display: grid; grid-template-columns: repeat(3, 1fr); gap: 1rem; margin-top: 1rem; }
        ol.list { margin: 0; padding-left: 1.6rem; }
        ol.list li { padding: .25rem 0; border-bottom: 1px solid #eef0f3; }
        ol.list li:last-child { border-bottom: 0; }
        .chips { display: flex; flex-wrap: wrap; gap: .35rem; padding: 0; margin: .4rem 0; list-style: none; }
        .chips li { background: var(--chip); border-radius: 999px; padding: .1rem .6rem; font-size: .85rem; }
        .stars { color: #b8860b; font-weight: 600; white-space: nowrap; }
        .switch { display: inline-flex; border: 1px solid var(--accent); border-radius: 8px; overflow: hidden; margin: .2rem 0 .6rem; }
        .switch input { position: absolute; opacity: 0; width: 1px; height: 1px; }
        .switch label { margin: 0; padding: .35rem .8rem; font-weight: 500; cursor: pointer; color: var(--accent); }
        .switch input:checked + label { background: var(--accent); color: #fff; }
        .switch input:focus-visible + label { outline: 3px solid #ffb000; outline-offset: -3px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; word-break: break-all; }
        .error { color: #b00020; }
        .ok { color: var(--good); }
        .filters { display: flex; gap: .75rem; flex-wrap: wrap; margin-bottom: .6rem; }
        .filters > div { min-width: 9rem; }
        /* API page */
        .op { margin-top: 1rem; }
        .op summary { cursor: pointer; font-weight: 600; }
        .method { display: inline-block; min-width: 3.2rem; text-align: center; background: #1b7f3b; color: #fff;
          border-radius: 6px; padding: .05rem .4rem; margin-right: .5rem; font-size: .85rem; }
        .params { display: grid; grid-template-columns: minmax(8rem, max-content) 1fr; gap: .4rem .8rem; align-items: center; margin: .6rem 0; }
        pre { background: #0f172a; color: #e2e8f0; padding: .8rem; border-radius: 8px; overflow: auto; max-height: 24rem; font-size: .85rem; }
        code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
        @media (max-width: 760px) {
          .toolbar, .grid2, .grid3 { grid-template-columns: 1fr; }
          header.top { padding: .6rem .8rem; }
          .release-badge { margin-left: 0; width: 100%; }
          main { padding: .75rem .6rem 2rem; }
          .params { grid-template-columns: 1fr; }
        }
        """#
}
