// The page talks to the same API as any client: the API key goes in a header, the annotated
// picture is fetched with it and shown through a blob URL (it is never served without a key).
"use strict";

const $ = (id) => document.getElementById(id);
const GOOD = new Set(["compliant", "approved", "clean"]);
const UNSURE = new Set(["review", "unable_to_assess"]);

$("api-key").value = sessionStorage.getItem("kycApiKey") || "";
$("api-key").addEventListener("change", () => sessionStorage.setItem("kycApiKey", $("api-key").value));

function headers(extra) {
  return Object.assign({ "X-API-Key": $("api-key").value.trim() }, extra || {});
}

async function api(path, options) {
  const response = await fetch(path, Object.assign({}, options, { headers: headers(options && options.headers) }));
  if (!response.ok) {
    let message = response.status + " " + response.statusText;
    try {
      const body = await response.json();
      if (body.detail && body.detail.message) message += ": " + body.detail.message;
    } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}

function show(job) {
  $("result").hidden = false;
  $("job-id").textContent = job.id;
  $("status").textContent = job.status;
  const verdict = job.verdict || (job.status === "failed" ? "failed" : "");
  $("verdict").textContent = verdict;
  $("verdict").className = GOOD.has(verdict) ? "good" : UNSURE.has(verdict) ? "unsure" : verdict ? "bad" : "";
  const list = $("reasons");
  list.replaceChildren();
  for (const r of job.reasons || []) {
    const li = document.createElement("li");
    const code = document.createElement("code");
    code.textContent = r.rule || r.check || r.code;
    li.append(code, " " + (r.message || r.reason || ""));
    list.append(li);
  }
  if (job.error) {
    const li = document.createElement("li");
    li.textContent = job.error.code + ": " + job.error.message;
    list.append(li);
  }
}

async function poll(statusUrl) {
  for (;;) {
    const job = await (await api(statusUrl)).json();
    show(job);
    if (job.status === "done" || job.status === "failed") return job;
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
}

async function showAnnotated(job) {
  const img = $("annotated");
  if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
  img.hidden = true;
  if (!job.annotated_url) return;
  const blob = await (await api(job.annotated_url)).blob();
  img.src = URL.createObjectURL(blob);
  img.hidden = false;
}

async function run(submit) {
  $("error").textContent = "";
  $("annotated").hidden = true;
  try {
    const accepted = await (await submit()).json();
    const job = await poll(accepted.status_url);
    await showAnnotated(job);
    document.body.dataset.state = "done";
  } catch (e) {
    $("error").textContent = e.message;
    document.body.dataset.state = "error";
  }
}

$("photo-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const body = new FormData();
  body.append("photo", $("photo-file").files[0]);
  body.append("profile", $("profile").value);
  run(() => api("/photos", { method: "POST", body }));
});

$("cheque-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const body = new FormData();
  body.append("cheque", $("cheque-file").files[0]);
  if ($("cheque-as-of").value) body.append("as_of", $("cheque-as-of").value);
  run(() => api("/cheques", { method: "POST", body }));
});

$("application-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const file = $("package-file").files[0];
  run(() => api("/applications", { method: "POST", body: file, headers: { "Content-Type": "application/zip" } }));
});
