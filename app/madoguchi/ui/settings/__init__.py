"""The 設定 (settings) workspace."""
