import t from "tap";
import { uuidV5 } from "../src/index.ts";

t.test("uuidV5: the RFC 9562 test vector, stable, namespaced, validated", async (t) => {
  // RFC 9562 appendix A.4: "www.example.com" in the DNS namespace.
  t.equal(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "2ed6657d-e927-568b-95e1-2665a8aea6a2");
  const ns = "5b0c4f3e-8d7a-4c1e-9f2b-6a3d1e0c7b95";
  t.equal(uuidV5("a", ns), uuidV5("a", ns), "the same name, the same id");
  t.not(uuidV5("a", ns), uuidV5("b", ns));
  t.not(uuidV5("a", ns), uuidV5("a", "3e7b9a41-6c2d-4f58-8a0e-1d9c4b7f2a63"), "another namespace, another id");
  t.throws(() => uuidV5("a", "not-a-uuid"), /bad namespace/);
});
