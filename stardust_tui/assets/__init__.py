"""The asset store (content-addressed files), technical facts of audio and artwork, and their QC."""
