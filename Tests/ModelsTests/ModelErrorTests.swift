import Testing
@testable import Models

@Suite struct ModelErrorTests {
    @Test func messagesNameThePlace() {
        let error = ModelError.nonFiniteValue(model: "LinearRegression", argument: "X", row: 3, column: 1, value: .nan)
        #expect(error.description.contains("row 3, column 1"))
        #expect(ModelError.lengthMismatch(model: "Ridge", argument: "y", expected: 5, got: 4).description.contains("4 entries"))
    }
}
