"""kasuhara: customer-harassment (カスタマーハラスメント) prevention and handling for employers in Japan."""

__version__ = "0.1.0"
