/// The HTML of the Explore page (`/`) and the API page (`/docs`). Static
/// shells: every piece of data is fetched from the API by their scripts and
/// inserted as text nodes (never as HTML), so a title holding markup shows
/// as text.
enum WebPages {
    /// The `<head>` both pages share (and everything before it): the page's
    /// title and its one deferred script differ, the icon and stylesheet do not.
    static func pageHead(title: String, script: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Reel — \(title)</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
        <link rel="stylesheet" href="/static/reel.css">
        <script src="/static/\(script)" defer></script>
        </head>

        """
    }

    static let exploreHTML =
        pageHead(title: "Explore", script: "explore.js") + #"""
            <body>
            <a class="skip" href="#view">Skip to content</a>
            <header class="top">
              <a class="brand" href="#/">Reel</a>
              <nav aria-label="Pages">
                <a href="/" aria-current="page">Explore</a>
                <a href="/report">Report</a>
                <a href="/docs">API</a>
              </nav>
              <span class="release-badge" id="release-badge" aria-live="polite">loading release…</span>
            </header>
            <main>
              <div class="toolbar">
                <section class="panel" aria-labelledby="search-label">
                  <label id="search-label" for="search">Find a movie</label>
                  <input id="search" type="search" placeholder="Title, e.g. star wars" autocomplete="off"
                         aria-controls="search-results" aria-describedby="search-help">
                  <p id="search-help" class="muted">Type to search; ↓ ↑ to move, Enter to open.</p>
                  <ul id="search-results" class="results" aria-label="Search results"></ul>
                </section>
                <section class="panel" aria-labelledby="user-label">
                  <label id="user-label" for="user-id">Look at a user</label>
                  <form id="user-form" class="row">
                    <input id="user-id" type="number" min="0" step="1" placeholder="User id, e.g. 1" inputmode="numeric">
                    <button id="user-go" type="submit">Open</button>
                  </form>
                  <p class="muted">Their recent ratings beside what Reel recommends.</p>
                </section>
              </div>
              <section id="view" tabindex="-1" aria-live="polite"></section>
            </main>
            </body>
            </html>
            """#

    static let docsHTML =
        pageHead(title: "API", script: "docs.js") + #"""
            <body>
            <a class="skip" href="#ops">Skip to the routes</a>
            <header class="top">
              <a class="brand" href="/">Reel</a>
              <nav aria-label="Pages">
                <a href="/">Explore</a>
                <a href="/report">Report</a>
                <a href="/docs" aria-current="page">API</a>
              </nav>
              <span class="release-badge"><a href="/openapi.json">openapi.json</a></span>
            </header>
            <main>
              <section class="panel">
                <h1 id="api-title">Reel API</h1>
                <p id="api-description" class="muted"></p>
                <p class="muted">Every route below can be tried against this daemon: edit the parameters and press <em>Send</em>.</p>
              </section>
              <div id="ops"></div>
            </main>
            </body>
            </html>
            """#

    static let faviconSVG = #"""
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="#11203f"/><circle cx="16" cy="16" r="5" fill="#ffb000"/><circle cx="16" cy="7" r="3" fill="#cfe0ff"/><circle cx="16" cy="25" r="3" fill="#cfe0ff"/><circle cx="7" cy="16" r="3" fill="#cfe0ff"/><circle cx="25" cy="16" r="3" fill="#cfe0ff"/></svg>
        """#
}
