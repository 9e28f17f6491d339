"""A sandbox DSP: rehearse a DSP onboarding offline (``stardust sandbox target|serve``).

It polls an inbox through the project's own transports, waits for complete batches as a DSP does, checks
them as that DSP's profile says (:mod:`.checks`: choreography, XSD, file names and MD5s, then the project's
one readiness on what arrived, :mod:`.scratch`), and answers with DDEX ERN-C acknowledgements and a readable
report (:mod:`.ack_writer`) that ``stardust target acks`` reads into the release × DSP status.

* :mod:`.identity` — the sandbox's DPIDs, inbox folder and the ``sandbox-<P>`` rehearsal profile;
* :mod:`.inbox` — listing, completeness, download; :mod:`.serve` — the polling loop;
* :mod:`.verdict` — problems in DDEX's ErncFileStatus vocabulary.
"""
