// Follows a running job's log: appends each new line as text (never as HTML) and strips
// terminal codes, as the server does for the lines rendered with the page.
"use strict";

const TERMINAL_CODES =
  /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(\u0007|\u001B\\)?|\u001B[@-_]|[\u0000-\u0008\u000B-\u001F\u007F]/g;

function followLog(log) {
  const status = document.getElementById("log-status");
  const source = new EventSource(log.dataset.follow);
  source.onmessage = (event) => {
    const line = JSON.parse(event.data);
    const span = document.createElement("span");
    span.className = "line " + (line.stream === "stderr" ? "stderr" : "stdout");
    span.textContent = String(line.line).replace(TERMINAL_CODES, "");
    log.append(span, "\n");
    log.scrollTop = log.scrollHeight;
  };
  source.onerror = () => {
    // The stream ends with the attempt; reconnecting would replay from the page's first cursor.
    source.close();
    if (status) {
      status.textContent = "The live log has ended; reload the page for the job's final state.";
    }
  };
  if (status) {
    status.textContent = "Following the live log…";
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const log = document.getElementById("log");
  if (log && log.dataset.follow) {
    followLog(log);
  }
});
