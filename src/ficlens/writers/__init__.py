"""Writers turn a finished `Document` into an output format (contract JSON, Parquet, HTML)."""
