/**
 * A first status page: every node with its latest values, read through the public API with the token
 * the person pastes in. The full dashboard (charts, irrigation, roles) replaces it.
 */
export const dashboardPage = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Ruộng</title>
<style>
body{font:16px/1.4 system-ui,sans-serif;margin:0;background:#f4f7f1;color:#1b2a12}
header{background:#2f5d1e;color:#fff;padding:12px 16px;font-weight:600}
main{padding:12px;max-width:960px;margin:auto}
.card{background:#fff;border-radius:8px;padding:12px;margin:8px 0;box-shadow:0 1px 2px #0002}
.card h2{margin:0 0 6px;font-size:18px}.muted{color:#5a6b52;font-size:14px}
table{border-collapse:collapse;width:100%}td{padding:2px 6px;border-bottom:1px solid #eee}
input{font-size:16px;padding:6px;width:100%;box-sizing:border-box}
</style></head>
<body><header>Ruộng — cánh đồng / fields</header><main>
<div class="card" id="login"><label>API token <input id="token" type="password" autocomplete="off"></label></div>
<div id="nodes"></div></main>
<script>
const tokenInput = document.getElementById('token');
tokenInput.value = localStorage.getItem('ruong-token') || '';
tokenInput.addEventListener('change', () => { localStorage.setItem('ruong-token', tokenInput.value); load(); });
function esc(s) { return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]); }
async function load() {
  const token = tokenInput.value;
  if (!token) return;
  const res = await fetch('/api/v1/nodes', { headers: { Authorization: 'Bearer ' + token } });
  const box = document.getElementById('nodes');
  if (!res.ok) { box.innerHTML = '<div class="card">' + esc((await res.json()).error.message) + '</div>'; return; }
  const { nodes } = await res.json();
  box.innerHTML = nodes.map((n) => '<div class="card"><h2>' + esc(n.node) + '</h2><div class="muted">' + esc(n.gateway) +
    ' · ' + new Date(n.lastSeen).toLocaleString() + '</div><table>' +
    Object.entries(n.latest).map(([m, v]) => '<tr><td>' + esc(m) + '</td><td>' + esc(v.value) + ' ' + esc(v.unit) + '</td></tr>').join('') +
    '</table></div>').join('');
}
load(); setInterval(load, 5000);
</script></body></html>`;
