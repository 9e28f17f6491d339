"""The built-in URL schemes: each one's transport module, class, and the PyPI package its library comes from.

A plain table with no imports: :mod:`stardust_tui.delivery.registry` imports a scheme's module when first asked
for it, and :mod:`stardust_tui.plugin_points` reads the names so that no plugin transport replaces one. Kept
apart so neither of those two imports the other.
"""

from __future__ import annotations

# scheme: (module, class, the PyPI package that provides its library)
TRANSPORTS: dict[str, tuple[str, str, str | None]] = {
    "file": ("stardust_tui.delivery.local", "LocalTransport", None),
    "ftp": ("stardust_tui.delivery.ftp", "FtpTransport", None),
    "ftps": ("stardust_tui.delivery.ftp", "FtpsTransport", None),
    "sftp": ("stardust_tui.delivery.sftp", "SftpTransport", "paramiko"),
    "s3": ("stardust_tui.delivery.s3", "S3Transport", "boto3"),
    "azure": ("stardust_tui.delivery.azure", "AzureTransport", "azure-storage-blob"),
    "http": ("stardust_tui.delivery.rest", "RestTransport", "httpx"),
    "https": ("stardust_tui.delivery.rest", "RestTransport", "httpx"),
}
