// Starts Swagger UI on /docs from the package's own copy (no CDN, no inline script under the CSP).
(function () {
  "use strict";
  if (typeof window.SwaggerUIBundle !== "function") return;
  window.SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
})();
