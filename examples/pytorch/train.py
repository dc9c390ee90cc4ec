"""Trains a small PyTorch network to predict churn and exports it as ONNX.

Run by the `fit` step of pipeline.yaml, which hands it the split's train part as a CSV file in
GYRE_DATASET_TRAIN and the path of the model to write in GYRE_OUTPUT_MODEL. The scaling of the
inputs is part of the network, so the exported model takes the raw column values.
"""
import csv
import os

import torch

FEATURES = ["tenure", "monthly_charges", "support_calls"]
LABEL = os.environ.get("LABEL", "churned")
EPOCHS = int(os.environ.get("EPOCHS", "300"))


def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    x = torch.tensor([[float(row[c]) for c in FEATURES] for row in rows])
    y = torch.tensor([[1.0 if row[LABEL].lower() == "true" else 0.0] for row in rows])
    return x, y


class Churn(torch.nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)
        self.net = torch.nn.Sequential(torch.nn.Linear(len(FEATURES), 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))

    def forward(self, features):
        return torch.sigmoid(self.net((features - self.mean) / self.std))


def main():
    torch.manual_seed(int(os.environ.get("SEED", "7")))
    x, y = load(os.environ["GYRE_DATASET_TRAIN"])
    model = Churn(x.mean(0), x.std(0))
    optimiser = torch.optim.Adam(model.parameters(), lr=0.02)
    loss = torch.nn.BCELoss()
    for epoch in range(EPOCHS):
        optimiser.zero_grad()
        value = loss(model(x), y)
        value.backward()
        optimiser.step()
        if epoch % 50 == 0 or epoch == EPOCHS - 1:
            print(f"epoch {epoch}: log loss {value.item():.4f}", flush=True)
    model.eval()
    torch.onnx.export(model, x[:1], os.environ["GYRE_OUTPUT_MODEL"], input_names=["features"], output_names=["probability"],
                      dynamic_axes={"features": {0: "batch"}, "probability": {0: "batch"}}, opset_version=13)
    print(f"wrote {os.environ['GYRE_OUTPUT_MODEL']}", flush=True)


if __name__ == "__main__":
    main()
