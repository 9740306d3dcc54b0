import type { FastifyInstance } from "fastify";

/**
 * JSON bodies with fastify's own parser (prototype-poisoning protection kept), except that an empty
 * body is no body: clients often send `content-type: application/json` on bodyless POSTs such as
 * `/api/admin/sellers/:id/approve`. Routes that need a body still answer 400 VALIDATION_FAILED.
 */
export function acceptEmptyJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") {
      done(null, undefined);
      return;
    }
    void parse(request, text, done);
  });
}
