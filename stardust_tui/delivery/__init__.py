"""Delivery: target URLs, transports (local, FTP/FTPS, SFTP, S3, REST, Azure), packaging and ACKs."""
