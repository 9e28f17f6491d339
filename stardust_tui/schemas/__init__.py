"""The official DDEX XSDs on this machine: fetched from DDEX (or a mirror, folder or zip), installed in the
data directory with each file's SHA-256, listed and re-verified (``stardust schemas fetch|list|verify``).

* :mod:`.catalog` — what is installed (ERN 3.8.2/4.2/4.3 and the ERN-C choreography schemas) and where DDEX
  publishes it;
* :mod:`.sources` — where the files come from (HTTP(S) URL, a folder, a zip), each read refusing HTML error
  pages, truncated files and anything that is not an XML Schema (:mod:`.checks`);
* :mod:`.fetch` — following each main schema's imports and making the set self-contained;
* :mod:`.install` — writing the set through a temporary folder and a rename, the manifest, verify, list;
* :mod:`.resolve` — which folder the ERN engine uses: a configured one wins, else the installed one.

Nothing here imports the store or Textual.
"""
