extension WebScripts {
    /// The API page: renders `/openapi.json` (every route, its parameters with
    /// their examples) and sends requests to this daemon from the page.
    static let docs = #"""
        "use strict";
        (() => {
        \#(elHelper)
        /** `code` spans of the OpenAPI descriptions as <code> elements; everything else stays text. */
        const md = (text) => (text || "").split("`").map((part, i) => (i % 2 ? el("code", null, part) : part));
        const slug = (s) => s.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "") || "root";
        function operationPanel(path, method, op) {
          const id = slug(op.operationId || path);
          const inputs = [];
          const params = el("div", { class: "params" });
          for (const p of op.parameters || []) {
            const inputId = `${id}-${p.name}`;
            const schema = p.schema || {};
            let input;
            if (schema.enum) {
              input = el("select", { id: inputId }, p.required ? null : el("option", { value: "" }, "(not set)"),
                schema.enum.map((v) => el("option", { value: v, selected: String(p.example) === String(v) }, String(v))));
            } else {
              input = el("input", { id: inputId, type: "text", value: p.example === undefined ? "" : String(p.example),
                placeholder: schema.default === undefined ? "" : `default ${schema.default}` });
            }
            inputs.push([p, input]);
            params.append(el("label", { for: inputId }, `${p.name}${p.required ? " *" : ""}`, el("span", { class: "muted" }, ` (${p.in})`)),
              el("div", null, input, el("div", { class: "muted" }, md(p.description))));
          }
          const out = el("pre", { id: `${id}-out`, "aria-live": "polite" }, "");
          const curl = el("code", { id: `${id}-curl` });
          function url() {
            let u = path;
            const query = [];
            for (const [p, input] of inputs) {
              const v = input.value.trim();
              if (p.in === "path") u = u.replace(`{${p.name}}`, encodeURIComponent(v));
              else if (v !== "") query.push(`${encodeURIComponent(p.name)}=${encodeURIComponent(v)}`);
            }
            return u + (query.length ? `?${query.join("&")}` : "");
          }
          function showCurl() { curl.textContent = `curl -s '${location.origin}${url()}'`; }
          for (const [, input] of inputs) input.addEventListener("input", showCurl);
          for (const [, input] of inputs) input.addEventListener("change", showCurl);
          showCurl();
          async function send() {
            const u = url();
            out.textContent = `GET ${u} …`;
            try {
              const r = await fetch(u);
              const type = r.headers.get("content-type") || "";
              const text = await r.text();
              let body = text;
              if (type.includes("json")) { try { body = JSON.stringify(JSON.parse(text), null, 2); } catch (_) { /* as is */ } }
              out.textContent = `HTTP ${r.status} ${r.statusText}\ncontent-type: ${type}\n\n${body.length > 20000 ? body.slice(0, 20000) + "\n…" : body}`;
            } catch (err) { out.textContent = `request failed: ${err.message}`; }
          }
          const responses = Object.entries(op.responses || {}).map(([code, r]) => el("li", null, el("code", null, code), " ",
            r.description || (r.$ref ? r.$ref.split("/").pop() : "")));
          return el("details", { class: "panel op", id: `op-${id}` },
            el("summary", null, el("span", { class: "method" }, method.toUpperCase()), el("code", null, path), " — ", op.summary || ""),
            el("p", null, md(op.description)),
            inputs.length ? params : el("p", { class: "muted" }, "No parameters."),
            el("div", { class: "row" }, el("button", { type: "button", id: `${id}-send`, onclick: send }, "Send"), el("span", { class: "muted" }, curl)),
            out,
            el("h4", null, "Responses"), el("ul", null, responses));
        }
        async function main() {
          const ops = document.getElementById("ops");
          let doc;
          try {
            doc = await (await fetch("/openapi.json")).json();
          } catch (err) {
            ops.append(el("p", { class: "error", role: "alert" }, `could not load /openapi.json: ${err.message}`));
            return;
          }
          document.getElementById("api-title").textContent = `${doc.info.title} ${doc.info.version}`;
          document.getElementById("api-description").replaceChildren(...md(doc.info.description));
          const byTag = new Map();
          for (const [path, item] of Object.entries(doc.paths)) {
            for (const [method, op] of Object.entries(item)) {
              const tag = (op.tags && op.tags[0]) || "other";
              if (!byTag.has(tag)) byTag.set(tag, []);
              byTag.get(tag).push(operationPanel(path, method, op));
            }
          }
          for (const [tag, panels] of byTag) ops.append(el("h2", null, tag), ...panels);
          const first = ops.querySelector("details");
          if (first) first.open = true;
        }
        main();
        })();
        """#
}
