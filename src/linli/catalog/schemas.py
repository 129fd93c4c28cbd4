from ninja import Schema


class SupplierOut(Schema):
    id: int
    name: str
    kind: str
    region: str


class ProductOut(Schema):
    id: int
    supplier_id: int
    supplier: str
    name: str
    unit: str
    spec: str
    category: str
    cost_fen: int
    suggested_price_fen: int

    @staticmethod
    def resolve_supplier(product) -> str:
        return product.supplier.name
